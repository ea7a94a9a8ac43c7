using CdcBridge.Debezium.Events;
using CdcBridge.Testing;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>
/// librdkafka refuses a record when its local queue is full (<c>queue.buffering.max.messages</c>). A transaction of more
/// rows than that, or a broker slower than the WAL reader, must slow the capture down, not stop it.
/// </summary>
public sealed class ProducerQueueTests(InfrastructureFixture fixture) : HarnessedCapture(fixture)
{
    private const int QueueLimit = 50;

    [Fact]
    public async Task A_transaction_of_far_more_rows_than_the_producer_queue_holds_arrives_whole_and_capture_goes_on()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = Harness;
        var capture = await harness.StartCaptureAsync(o => o with { ProducerQueueLimit = QueueLimit });
        capture.SnapshotCompleted.IsCompletedSuccessfully.Should().BeTrue("the snapshot (hundreds of rows) waits for room too: {0}", capture.Completion.Exception?.Message);

        await harness.ExecuteAsync("INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) " +
            "SELECT g, 1, 11, g % 7, 0, now() FROM generate_series(995000, 995999) g", ct);

        using var consumer = harness.Consumer(harness.Topic("stock_quant"));
        var created = (await harness.ReadUntilAsync(consumer, read => read.Count(c => c.Change.Operation == ChangeOperation.Create) >= 1000, ct))
            .Where(c => c.Change.Operation == ChangeOperation.Create).ToList();

        created.Select(c => c.Change.After!.GetInt("id")).Should().BeEquivalentTo(Enumerable.Range(995000, 1000), "every row of the transaction, once");
        capture.Completion.IsCompleted.Should().BeFalse("a full queue is back-pressure, not an error: {0}", capture.Completion.Exception?.Message);
    }
}
