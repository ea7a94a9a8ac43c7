namespace CdcBridge.Host.Configuration;

/// <summary>
/// A secret named, not held, by the configuration: <c>env:NAME</c> reads an environment variable, <c>file:PATH</c> a file
/// (trailing newline dropped; relative paths from the configuration file's folder), as Kubernetes and Docker mount them.
/// </summary>
internal static class SecretReference
{
    public static bool IsReference(string? value) =>
        value is not null && (value.StartsWith("env:", StringComparison.Ordinal) || value.StartsWith("file:", StringComparison.Ordinal));

    /// <summary>The secret, or an error message that names the reference (never the secret).</summary>
    public static (string? Value, string? Error) Resolve(string reference, string baseDirectory)
    {
        if (reference.StartsWith("env:", StringComparison.Ordinal))
        {
            var name = reference[4..];
            var value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(value) ? (null, $"the environment variable {name} is not set") : (value, null);
        }

        if (reference.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(reference[5..], baseDirectory);
            if (!File.Exists(path))
            {
                return (null, $"the file {reference[5..]} does not exist");
            }

            var value = File.ReadAllText(path).TrimEnd('\r', '\n');
            return value.Length == 0 ? (null, $"the file {reference[5..]} is empty") : (value, null);
        }

        return (null, "must name a secret as env:NAME or file:PATH, not hold it");
    }
}
