using CdcBridge.Capture;
using CdcBridge.Debezium.Events;
using CdcBridge.DevStack.Kafka;
using CdcBridge.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>A capture stopped by an error is started again from its slot, and what it had not delivered still arrives.</summary>
public sealed class CaptureSupervisorTests(InfrastructureFixture fixture) : PrivateBrokerCapture(fixture)
{
    private static readonly CaptureSupervisorOptions QuickRestarts = new() { RetryDelay = TimeSpan.FromMilliseconds(200), MaxRetryDelay = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task Bug_a_capture_stopped_by_a_refused_delivery_stayed_stopped_while_the_sidecar_ran_on_it_restarts_and_the_change_arrives()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = Harness;
        await using var supervisor = await CaptureSupervisor.StartAsync(harness.Options(), NullLogger.Instance, QuickRestarts, ct);
        await (await Task.WhenAny(supervisor.Current.SnapshotCompleted, supervisor.Current.Completion)).WaitAsync(CaptureHarness.Patience, ct);
        var first = supervisor.Current;
        using var consumer = harness.Consumer(harness.Topic("stock_quant"));

        // Refused for good a few times: the capture stops on the first, the restarts meet the rest, then Kafka takes it.
        Kafka.PushRequestErrors(KafkaApiKey.Produce, [.. Enumerable.Repeat(ErrorCode.MsgSizeTooLarge, 3)]);
        await harness.ExecuteAsync("INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES (997101, 1, 11, 5, 0, now())", ct);

        var read = await harness.ReadUntilAsync(consumer, r => r.Any(c => c.Change.Key?.GetInt("id") == 997101), ct);

        read.Where(c => c.Change.Key?.GetInt("id") == 997101).Should().OnlyContain(c => c.Change.Operation == ChangeOperation.Create);
        supervisor.Restarts.Should().BePositive();
        supervisor.Current.Should().NotBeSameAs(first);
        supervisor.LastError.Should().Contain($"Kafka did not take a record for {harness.Topic("stock_quant")}");
        first.Completion.IsFaulted.Should().BeTrue();
        supervisor.Running.Should().BeTrue();
    }

    [Fact]
    public async Task Disposing_the_supervisor_stops_the_capture_and_restarts_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var supervisor = await CaptureSupervisor.StartAsync(Harness.Options(), NullLogger.Instance, QuickRestarts, ct);
        await (await Task.WhenAny(supervisor.Current.SnapshotCompleted, supervisor.Current.Completion)).WaitAsync(CaptureHarness.Patience, ct);
        var capture = supervisor.Current;

        await supervisor.DisposeAsync();

        capture.Completion.IsCompleted.Should().BeTrue();
        supervisor.Current.Should().BeSameAs(capture);
        supervisor.Restarts.Should().Be(0);
        supervisor.LastError.Should().BeNull();
    }
}
