using CdcBridge.DevStack;
using CdcBridge.DevStack.Postgres;
using CdcBridge.Testing;

namespace CdcBridge.IntegrationTests;

/// <summary>A <c>cdcbridge dev</c> process for a test class, as <c>make up</c> starts it; stopped with <c>dev stop</c>.</summary>
public sealed class RunningStack : IAsyncLifetime
{
    private CdcBridgeProcess? _process;

    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), UniqueName.For("cdcbridge-stack"));

    public StackEndpoints Endpoints { get; private set; } = null!;

    public string[] Where => ["--state-dir", StateDirectory];

    public async ValueTask InitializeAsync()
    {
        _process = CdcBridgeProcess.Start("dev", "--state-dir", StateDirectory, "--products", "40", "--quiet");
        await _process.WaitForOutputAsync("CdcBridge embedded stack is up.", TimeSpan.FromMinutes(3), CancellationToken.None);
        Endpoints = (await StackEndpoints.TryReadAsync(StateDirectory))!;
    }

    public async ValueTask DisposeAsync()
    {
        await CdcBridgeProcess.RunAsync(CancellationToken.None, "dev", "stop", "--state-dir", StateDirectory);
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        await EmbeddedPostgres.StopLeftoverAsync(Path.Combine(StateDirectory, "postgres"), CancellationToken.None);
        Directory.Delete(StateDirectory, recursive: true);
    }
}
