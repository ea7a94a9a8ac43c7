namespace CdcBridge.IntegrationTests;

/// <summary>Files of the checkout, copied beside the tests at build time (see the project file).</summary>
internal static class RepositoryFiles
{
    public static string Read(params string[] parts) => File.ReadAllText(Path.Combine([AppContext.BaseDirectory, "repo", .. parts]));
}
