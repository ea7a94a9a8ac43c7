namespace CdcBridge.Testing;

/// <summary>Chooses the infrastructure for a test run: external services when the environment names them, else embedded.</summary>
public static class TestInfrastructure
{
    public static async Task<ITestInfrastructure> StartAsync(CancellationToken ct = default) =>
        ExternalTestInfrastructure.FromEnvironment() as ITestInfrastructure ?? await EmbeddedTestInfrastructure.StartAsync(ct);
}
