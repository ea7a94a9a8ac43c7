using CdcBridge.Testing;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>A test class whose every test gets a capture harness of its own (database, registry, prefix and slot).</summary>
public abstract class HarnessedCapture(InfrastructureFixture fixture) : IAsyncLifetime
{
    private CaptureHarness? _harness;

    internal CaptureHarness Harness => _harness ?? throw new InvalidOperationException("The harness starts with the test.");

    /// <summary>The broker the harness uses: the shared one unless the class brings its own.</summary>
    internal virtual string? KafkaBootstrap => null;

    public async ValueTask InitializeAsync() =>
        _harness = await CaptureHarness.StartAsync(fixture.Infrastructure, KafkaBootstrap, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }

        DisposeAfterHarness();
        GC.SuppressFinalize(this);
    }

    /// <summary>What the class brought along, released once the harness (and its capture) is gone.</summary>
    internal virtual void DisposeAfterHarness()
    {
    }
}
