using CdcBridge.DevStack.Kafka;
using CdcBridge.Testing;
using Confluent.Kafka;
using NpgsqlTypes;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>A record Kafka refuses stops capture at once, and the slot never confirms past it.</summary>
public sealed class DeliveryFaultTests(InfrastructureFixture fixture) : PrivateBrokerCapture(fixture)
{
    [Fact]
    public async Task A_refused_delivery_stops_a_quiet_capture_long_before_its_next_heartbeat_without_confirming_the_refused_change()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = Harness;
        // Heartbeats every 10 minutes: the only WAL after the refused change would be the next heartbeat's, so a
        // capture that noticed the failure only at its next replication message would run on for minutes.
        var capture = await harness.StartCaptureAsync(o => o with { Settings = harness.Settings with { HeartbeatInterval = TimeSpan.FromMinutes(10) } });
        capture.SnapshotCompleted.IsCompletedSuccessfully.Should().BeTrue();

        // A record too large for the broker is refused for good (no retry), as a record over message.max.bytes would be.
        Kafka.PushRequestErrors(KafkaApiKey.Produce, [.. Enumerable.Repeat(ErrorCode.MsgSizeTooLarge, 20)]);
        var beforeChange = await harness.ScalarAsync<NpgsqlLogSequenceNumber>("SELECT pg_current_wal_insert_lsn()", ct);
        await harness.ExecuteAsync("INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES (997001, 1, 11, 3, 0, now())", ct);

        var stopped = await Record.ExceptionAsync(() => capture.Completion.WaitAsync(CaptureHarness.Patience, ct));

        stopped.Should().BeOfType<InvalidOperationException>("capture stops on the failed delivery, not at the next heartbeat")
            .Which.Message.Should().Contain($"Kafka did not take a record for {harness.Topic("stock_quant")}");
        capture.ConfirmedLsn.Should().BeLessThanOrEqualTo(beforeChange, "nothing of the refused transaction is confirmable");
        (await harness.ConfirmedFlushAsync(ct)).Should().BeLessThanOrEqualTo(beforeChange, "the slot keeps the refused change for the next start");
    }
}
