namespace CdcBridge.Testing;

/// <summary>Names no other test (or earlier run against the same external services) uses.</summary>
public static class UniqueName
{
    public static string For(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, 63)];
}
