using System.Collections.Concurrent;
using System.Globalization;
using CdcBridge.Debezium.Events;
using CdcBridge.Testing;
using NpgsqlTypes;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>
/// Incremental snapshots requested through the signal table, with Debezium's semantics: an <c>execute-snapshot</c>
/// row (Debezium's signalling docs: data <c>{"data-collections":["public.stock_quant"],"type":"incremental"}</c>)
/// re-reads the table in primary-key chunks as <c>op: r</c>, <c>source.snapshot = "incremental"</c>, with txId, lsn and
/// xmin unset (Debezium's PostgresSourceInfoStructMaker), interleaved with streaming; a change committed while a chunk
/// is open wins over the chunk's read; <c>stop-snapshot</c> stops it.
/// </summary>
public sealed class IncrementalSnapshotTests(InfrastructureFixture fixture) : IAsyncLifetime
{
    private const int Sentinel = 998999;
    private readonly ITestInfrastructure _infra = fixture.Infrastructure;
    private CaptureHarness? _harness;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _harness = await CaptureHarness.StartAsync(_infra, ct: ct);
        // One partition: the topic's order is the capture's order, so the sentinel comes after everything before it.
        await _infra.CreateTopicAsync(_harness.Topic("stock_quant"), 1, ct);
        await _harness.ExecuteAsync("INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) " +
            "SELECT g, 1, 11, g % 13, 0, now() FROM generate_series(998000, 998039) g", ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_execute_snapshot_signal_reads_every_row_once_more_as_incremental_reads_in_chunks_and_bad_signals_are_ignored()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = _harness!;
        var capture = await harness.StartCaptureAsync(o => o with { Settings = harness.Settings with { IncrementalSnapshotChunkSize = 3 } });
        var quants = await harness.QuantsAsync(ct);
        using var consumer = harness.Consumer(harness.Topic("stock_quant"));
        await harness.ReadUntilAsync(consumer, read => read.Count >= quants.Count, ct); // the initial snapshot

        // Each of these is logged and ignored; none stops capture or starts a snapshot.
        await harness.ExecuteAsync("""
            INSERT INTO cdcbridge_signal (id, type, data) VALUES
                ('bad-json', 'execute-snapshot', 'not json'),
                ('bad-action', 'launch-rockets', NULL),
                ('bad-table', 'execute-snapshot', '{"data-collections":["public.no_such_table"]}'),
                ('bad-type', 'execute-snapshot', '{"data-collections":["public.stock_quant"],"type":"blocking"}'),
                ('bad-stop', 'stop-snapshot', '{"data-collections":["public.stock_quant"]}')
            """, ct);
        await harness.ExecuteAsync(Signal("snap-1", "execute-snapshot"), ct);
        await UntilSnapshotEndedAsync(capture, ct);
        var beforeSentinel = await InsertSentinelAsync(harness, ct);

        var incremental = (await ReadToSentinelAsync(harness, consumer, ct)).Where(c => c.Source!.Snapshot == "incremental").ToList();

        incremental.Select(c => c.After!.GetInt("id")!.Value).Should().BeEquivalentTo(quants.Keys, "every row is read once more, and only once");
        foreach (var read in incremental)
        {
            read.Operation.Should().Be(ChangeOperation.Read);
            read.Before.Should().BeNull();
            read.After!.GetDecimal("quantity")!.Value.ToDecimal().Should().Be(quants[read.After.GetInt("id")!.Value]);
            read.Table.Should().Be("stock_quant");
            read.Source!.TxId.Should().BeNull("Debezium does not set txId on incremental records");
            read.Source.Lsn.Should().BeNull("Debezium does not set lsn on incremental records");
            read.Source.Sequence.Should().NotBeNull();
        }

        incremental.Select(c => c.After!.GetInt("id")).Should().BeInAscendingOrder("chunks follow the primary key");
        var chunks = (quants.Count + 2) / 3;
        capture.IncrementalChunksRead.Should().Be(chunks);
        (await harness.ScalarAsync<long>("SELECT count(*) FROM cdcbridge_signal WHERE type IN ('snapshot-window-open', 'snapshot-window-close')", ct))
            .Should().Be(2 * chunks, "each chunk is read between an open and a close watermark");
        capture.Completion.IsCompleted.Should().BeFalse("bad signals do not stop capture");
        // The snapshot no longer holds the slot back: the sentinel, after it, becomes confirmable once in Kafka.
        await Eventually.UntilAsync(() => Task.FromResult(capture.ConfirmedLsn), lsn => lsn > beforeSentinel,
            lsn => $"the confirmable LSN stayed at {lsn}, not past {beforeSentinel}, after the snapshot ended", ct);
    }

    [Fact]
    public async Task A_row_changed_while_its_chunk_is_open_ends_with_its_committed_value_never_with_the_older_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = _harness!;
        var touched = new ConcurrentBag<int>();
        var capture = await harness.StartCaptureAsync(o => o with
        {
            Settings = harness.Settings with { IncrementalSnapshotChunkSize = 4 },
            // Between the chunk's SELECT and its close watermark: the read of these rows is already stale.
            AfterIncrementalChunkRead = async (chunk, token) =>
            {
                var ids = chunk.Keys.Take(2).Select(k => int.Parse(k, CultureInfo.InvariantCulture)).ToList();
                ids.ForEach(touched.Add);
                await harness.ExecuteAsync($"UPDATE stock_quant SET quantity = quantity + 1000 WHERE id IN ({string.Join(", ", ids)})", token);
            },
        });
        var ids = (await harness.QuantsAsync(ct)).Keys.ToArray();
        using var consumer = harness.Consumer(harness.Topic("stock_quant"));

        // And a writer updating random quants all along, in and out of windows.
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = Task.Run(async () =>
        {
            var random = new Random(7);
            while (!writing.IsCancellationRequested)
            {
                await harness.ExecuteAsync($"UPDATE stock_quant SET quantity = quantity + 1 WHERE id = {ids[random.Next(ids.Length)]}", ct);
            }
        }, ct);
        await harness.ExecuteAsync(Signal("snap-2", "execute-snapshot"), ct);
        await UntilSnapshotEndedAsync(capture, ct);
        await writing.CancelAsync();
        await writer;
        await InsertSentinelAsync(harness, ct);

        var changes = await ReadToSentinelAsync(harness, consumer, ct);
        var final = await harness.QuantsAsync(ct);

        foreach (var id in ids)
        {
            var last = changes.Last(c => c.After?.GetInt("id") == id);
            last.After!.GetDecimal("quantity")!.Value.ToDecimal().Should().Be(final[id], $"the last event of quant {id} carries its committed value ({last.Operation}, {last.Source!.Snapshot})");
        }

        var reads = changes.Where(c => c.Source!.Snapshot == "incremental").Select(c => c.After!.GetInt("id")!.Value).ToList();
        touched.Should().NotBeEmpty();
        reads.Should().NotBeEmpty("rows nobody touched are still read");
        reads.Should().NotIntersectWith(touched, "a row changed inside its chunk's window is dropped from the chunk");
    }

    [Fact]
    public async Task A_stop_snapshot_signal_ends_the_incremental_snapshot_before_its_next_chunk()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = _harness!;
        var chunksSeen = 0;
        var capture = await harness.StartCaptureAsync(o => o with
        {
            Settings = harness.Settings with { IncrementalSnapshotChunkSize = 1 },
            AfterIncrementalChunkRead = async (_, token) =>
            {
                if (Interlocked.Increment(ref chunksSeen) == 1)
                {
                    await harness.ExecuteAsync(Signal("stop-1", "stop-snapshot"), token);
                }
            },
        });
        using var consumer = harness.Consumer(harness.Topic("stock_quant"));

        await harness.ExecuteAsync(Signal("snap-3", "execute-snapshot"), ct);
        await UntilSnapshotEndedAsync(capture, ct);
        var beforeSentinel = await InsertSentinelAsync(harness, ct);
        var changes = await ReadToSentinelAsync(harness, consumer, ct);

        chunksSeen.Should().Be(1, "no chunk is read after the stop");
        capture.IncrementalChunksRead.Should().Be(1);
        changes.Should().NotContain(c => c.Source!.Snapshot == "incremental", "the stop arrived inside the first chunk's window: its rows are dropped");
        // The snapshot no longer holds the slot back: the sentinel, after it, becomes confirmable once in Kafka.
        await Eventually.UntilAsync(() => Task.FromResult(capture.ConfirmedLsn), lsn => lsn > beforeSentinel,
            lsn => $"the confirmable LSN stayed at {lsn}, not past {beforeSentinel}, after the snapshot stopped", ct);
    }

    [Fact]
    public async Task A_snapshot_the_database_refuses_is_abandoned_and_streaming_goes_on()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = _harness!;
        // The capture may not write its watermarks (as when its user lacks INSERT on the signal table).
        await harness.ExecuteAsync("""
            CREATE FUNCTION refuse_watermarks() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.type LIKE 'snapshot-window-%' THEN RAISE EXCEPTION 'no watermarks here'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_watermarks BEFORE INSERT ON cdcbridge_signal FOR EACH ROW EXECUTE FUNCTION refuse_watermarks();
            """, ct);
        var capture = await harness.StartCaptureAsync();
        using var consumer = harness.Consumer(harness.Topic("stock_quant"));

        await harness.ExecuteAsync(Signal("snap-4", "execute-snapshot"), ct);
        var beforeSentinel = await InsertSentinelAsync(harness, ct);
        var changes = await ReadToSentinelAsync(harness, consumer, ct);

        changes.Should().NotContain(c => c.Source!.Snapshot == "incremental");
        capture.IncrementalSnapshotRunning.Should().BeFalse("the refused snapshot is abandoned, not retried");
        capture.Completion.IsCompleted.Should().BeFalse("streaming goes on: failing would replay the request at every restart");
        await Eventually.UntilAsync(() => Task.FromResult(capture.ConfirmedLsn), lsn => lsn > beforeSentinel,
            lsn => $"the confirmable LSN stayed at {lsn}, not past {beforeSentinel}, after the snapshot was abandoned", ct);
    }

    private static string Signal(string id, string type) =>
        $$"""INSERT INTO cdcbridge_signal (id, type, data) VALUES ('{{id}}', '{{type}}', '{"data-collections":["public.stock_quant"],"type":"incremental"}')""";

    private static async Task UntilSnapshotEndedAsync(CdcBridge.Capture.EmbeddedCapture capture, CancellationToken ct)
    {
        var ended = await Eventually.UntilAsync(() => Task.FromResult((Chunks: capture.IncrementalChunksRead, Running: capture.IncrementalSnapshotRunning, Failure: capture.Completion.Exception)),
            s => s.Failure is not null || (s.Chunks > 0 && !s.Running),
            s => $"incremental snapshot: {s.Chunks} chunks read, running {s.Running}", ct);
        ended.Failure.Should().BeNull("capture runs on");
    }

    /// <summary>A streamed insert after everything the test did: once it is read, so is everything before it.</summary>
    private static async Task<NpgsqlLogSequenceNumber> InsertSentinelAsync(CaptureHarness harness, CancellationToken ct)
    {
        var before = await harness.ScalarAsync<NpgsqlLogSequenceNumber>("SELECT pg_current_wal_insert_lsn()", ct);
        await harness.ExecuteAsync($"INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES ({Sentinel}, 1, 11, 0, 0, now())", ct);
        return before;
    }

    private static async Task<List<RowChange>> ReadToSentinelAsync(CaptureHarness harness, Confluent.Kafka.IConsumer<byte[]?, byte[]?> consumer, CancellationToken ct)
    {
        var read = await harness.ReadUntilAsync(consumer, r => r[^1].Change.After?.GetInt("id") == Sentinel, ct);
        return [.. read.Select(c => c.Change).Where(c => c.After?.GetInt("id") != Sentinel)];
    }
}
