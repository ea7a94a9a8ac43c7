using CdcBridge.DevStack.Kafka;
using CdcBridge.Testing;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>
/// A capture harness on a broker of its own: tests that make Kafka refuse records disturb no other test.
/// </summary>
public abstract class PrivateBrokerCapture(InfrastructureFixture fixture) : IAsyncLifetime
{
    private CaptureHarness? _harness;

    internal EmbeddedKafka Kafka { get; } = EmbeddedKafka.Start(1);

    internal CaptureHarness Harness => _harness ?? throw new InvalidOperationException("The harness starts with the test.");

    public async ValueTask InitializeAsync() =>
        _harness = await CaptureHarness.StartAsync(fixture.Infrastructure, Kafka.BootstrapServers, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }

        Kafka.Dispose();
        GC.SuppressFinalize(this);
    }
}
