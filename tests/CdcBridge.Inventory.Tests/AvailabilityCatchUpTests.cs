using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Projections;
using CdcBridge.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.Inventory.Tests;

/// <summary>
/// Catch-up mode (docs/inventory-policy.md, catch-up): far behind the topics the projector defers values, outbox rows
/// and analytics records and writes each key's settled value once; a crash while values are deferred loses none.
/// </summary>
public sealed class AvailabilityCatchUpTests(RegistryInfrastructure fixture)
{
    [Fact]
    public async Task A_rebuild_over_many_changes_to_one_key_writes_only_its_final_value_to_the_outbox_and_analytics()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pipeline = await AvailabilityPipeline.StartAsync(fixture, ct);
        await pipeline.SettleAsync(ct);
        var (sku, quant, before) = (await SellingQuantsAsync(pipeline, 1, ct)).Single();

        // 100 changes of the key, then 80 updates of the same quant that change nothing: they follow the changes in the
        // quant's partition, so every change is more than threshold + batch size records from the end of the topics.
        await ExecuteAsync(pipeline.Odoo,
            $"""
            DO $$ BEGIN
              FOR i IN 1..100 LOOP UPDATE stock_quant SET quantity = quantity + 1 WHERE id = {quant}; END LOOP;
              FOR i IN 1..80 LOOP UPDATE stock_quant SET in_date = in_date WHERE id = {quant}; END LOOP;
            END $$
            """, ct);
        await pipeline.QuiesceAsync(TimeSpan.FromSeconds(90), ct);
        var final = before + 100;
        pipeline.Shopify.Level(sku, pipeline.WarehouseLocationId).OnHand.Should().Be(final, "the running projection followed every change");

        // A projection of the same topics into its own sidecar database (no dispatcher, no relay: what it writes stays
        // in the outboxes), first as epoch 1, then rebuilt as epoch 2 with a low catch-up threshold.
        var sidecar = await fixture.Infrastructure.CreateEmptyDatabaseAsync(ct);
        using var registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = fixture.RegistryUrl });
        ProjectionOptions Runner(string epoch) => new()
        {
            KafkaBootstrap = fixture.Infrastructure.KafkaBootstrap,
            ConnectionString = sidecar,
            Epoch = epoch,
            MaxBatchSize = 20,
            GroupPrefix = UniqueName.For("rb"),
        };
        var first = new AvailabilityProjector(pipeline.ProjectorOptions, pipeline.Stores, registry, NullLogger.Instance);
        await using (var runner = new ProjectionRunner(first, Runner("1"), registry, NullLogger.Instance))
        {
            await runner.StartAsync(ct);
            await runner.WaitForCaughtUpAsync(TimeSpan.FromSeconds(120), ct);
        }

        var key = new AvailabilityKey(pipeline.Shopify.ShopDomain, sku, pipeline.WarehouseLocationId);
        first.ValueOf(key).Should().Be((int)final);

        var rebuilt = new AvailabilityProjector(pipeline.ProjectorOptions with { CatchUpThreshold = 40 }, pipeline.Stores, registry, NullLogger.Instance);
        var trace = new BatchTrace(rebuilt);
        await using (var runner = new ProjectionRunner(trace, Runner("2"), registry, NullLogger.Instance))
        {
            await runner.StartAsync(ct);
            await runner.WaitForCaughtUpAsync(TimeSpan.FromSeconds(120), ct);
            runner.Status.Parked.Should().Be(0);
        }

        rebuilt.DeferredBatches.Should().BeGreaterThan(0, "the rebuild started far behind the topics");
        rebuilt.CatchingUp.Should().BeFalse("it caught up");
        rebuilt.ValueOf(key).Should().Be((int)final);

        // The outbox after the rebuild: epoch 1's rows are gone with its state, and every key was written once, at its
        // final value. A value written while a partition was still short of its end (a rebuild may read the one-record
        // warehouse partition last) would be a second row: 0 for every SKU of the warehouse, then the real value.
        await using var db = new NpgsqlConnection(sidecar);
        await db.OpenAsync(ct);
        var pushes = await ShopifyOutboxAsync(db, ct);
        pushes.Where(p => p.Sku == sku && p.Location == pipeline.WarehouseLocationId).Select(p => p.OnHand).Should().Equal([(int)final],
            $"the rebuild's outbox holds the key's final value once, none of its intermediate values; its batches:{Environment.NewLine}{trace}");
        pushes.GroupBy(p => (p.Shop, p.Sku, p.Location)).Where(g => g.Count() > 1).Select(g => g.Key).Should().BeEmpty(
            $"the rebuild writes each key once; its batches:{Environment.NewLine}{trace}");
        TestContext.Current.TestOutputHelper?.WriteLine($"outbox rows after the rebuild {pushes.Count:N0}; deferred batches {rebuilt.DeferredBatches}");

        var analytics = await AnalyticsOutboxAsync(db, registry, pipeline.AnalyticsTopic, ct);
        analytics.Should().HaveCount(pushes.Count, "every value pushed is explained once on the analytics topic");
        var mine = analytics.Where(a => (string)a["sku"]! == sku && (long)a["shopify_location_id"]! == pipeline.WarehouseLocationId).ToList();
        mine.Should().ContainSingle();
        ((int)mine[0]["pushed_on_hand"]!).Should().Be((int)final);
        mine[0]["previous_pushed_on_hand"].Should().BeNull("the rebuild starts from nothing");
    }

    [Fact]
    public async Task A_crash_while_values_are_deferred_loses_none_the_next_projector_reconciles_every_key_and_shopify_gets_the_final_values()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pipeline = await AvailabilityPipeline.StartAsync(fixture, ct);
        await pipeline.SettleAsync(ct);
        var picked = await SellingQuantsAsync(pipeline, 12, ct);

        // While the projection is stopped: 10 changes to each of 12 keys, each followed by 30 updates of its quant that
        // change nothing, so that every key's changes lie more than threshold + batch size records from the end.
        await pipeline.StopProjectionAsync();
        await ExecuteAsync(pipeline.Odoo,
            $"""
            DO $$ DECLARE q int; BEGIN
              FOREACH q IN ARRAY ARRAY[{string.Join(", ", picked.Select(p => p.Quant))}] LOOP
                FOR i IN 1..10 LOOP UPDATE stock_quant SET quantity = quantity + 1 WHERE id = q; END LOOP;
                FOR i IN 1..30 LOOP UPDATE stock_quant SET in_date = in_date WHERE id = q; END LOOP;
              END LOOP;
            END $$
            """, ct);
        await pipeline.CapturedAsync(TimeSpan.FromSeconds(60), ct);

        // Catching up in batches of 5, deferring while more than 20 records are behind; the process dies in the batch
        // that would write the deferred values (after the projector applied it, before it committed).
        CrashBeforeSettling? crasher = null;
        await pipeline.RestartProjectionAsync(new ProjectionRestart
        {
            CatchUpThreshold = 20,
            MaxBatchSize = 5,
            DrainTimeout = TimeSpan.FromMilliseconds(200),
            Wrap = projector => crasher = new CrashBeforeSettling(projector),
        }, ct);
        await Task.WhenAny(crasher!.Crashed.Task, pipeline.Runner.Completion).WaitAsync(TimeSpan.FromSeconds(120), ct);
        crasher.Crashed.Task.IsCompleted.Should().BeTrue($"the projection deferred and then came within the threshold ({pipeline.Runner.Status})");
        crasher.Availability.DeferredBatches.Should().BeGreaterThan(0);

        // What the crash leaves: positions past changes whose values were never written.
        var stale = await AppliedButNotWrittenAsync(pipeline, picked, ct);
        stale.Should().NotBeEmpty("positions moved past changes whose values were deferred");
        TestContext.Current.TestOutputHelper?.WriteLine($"at the crash {stale.Count} of {picked.Count} keys had every change applied and their value not written");

        // A new process: projector and runner from the stored state and positions, with the default threshold.
        await pipeline.RestartProjectionAsync(new ProjectionRestart(), ct);
        await pipeline.SettleAsync(ct);

        foreach (var (sku, _, before) in picked)
        {
            pipeline.Shopify.Level(sku, pipeline.WarehouseLocationId).OnHand.Should().Be(before + 10, $"{sku} took 10 units, whether or not its value was deferred");
            pipeline.Projector.ValueOf(new AvailabilityKey(pipeline.Shopify.ShopDomain, sku, pipeline.WarehouseLocationId)).Should().Be((int)(before + 10));
        }

        var oracle = OracleAvailability.Compute(await OracleAvailability.LoadAsync(pipeline.Odoo, ct),
            [new OracleStore(pipeline.Shopify.ShopDomain, [new OracleLocation(pipeline.WarehouseLocationId, ["WH"], [])])], []);
        var levels = pipeline.Shopify.Inventory().Where(l => l.LocationId == ShopifyGid.Location(pipeline.WarehouseLocationId)).ToList();
        levels.Should().NotBeEmpty();
        foreach (var level in levels)
        {
            level.OnHand.Should().Be(oracle[(pipeline.Shopify.ShopDomain, level.Sku, pipeline.WarehouseLocationId)].OnHand, $"Shopify {level.Sku} holds the policy's value");
        }

        pipeline.Runner.Status.Parked.Should().Be(0);
    }

    [Fact]
    public async Task A_crash_inside_a_large_catch_up_batch_loses_nothing_the_next_projector_applies_it_again_and_shopify_gets_the_final_values()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pipeline = await AvailabilityPipeline.StartAsync(fixture, ct);
        await pipeline.SettleAsync(ct);
        var picked = await SellingQuantsAsync(pipeline, 12, ct);

        await pipeline.StopProjectionAsync();
        await ExecuteAsync(pipeline.Odoo,
            $"""
            DO $$ DECLARE q int; BEGIN
              FOREACH q IN ARRAY ARRAY[{string.Join(", ", picked.Select(p => p.Quant))}] LOOP
                FOR i IN 1..10 LOOP UPDATE stock_quant SET quantity = quantity + 1 WHERE id = q; END LOOP;
                FOR i IN 1..30 LOOP UPDATE stock_quant SET in_date = in_date WHERE id = q; END LOOP;
              END LOOP;
            END $$
            """, ct);
        await pipeline.CapturedAsync(TimeSpan.FromSeconds(60), ct);

        // Far behind, the runner applies batches of up to 60 records (live ones: 5) and the projector defers values while
        // more than 20 are behind. The process dies in the second large batch, once the projector stored its rows in the
        // transaction and before it committed: the first one committed positions past rows and values of its own.
        CrashInLargeBatch? crasher = null;
        await pipeline.RestartProjectionAsync(new ProjectionRestart
        {
            CatchUpThreshold = 20,
            MaxBatchSize = 5,
            CatchUpBatchSize = 60,
            DrainTimeout = TimeSpan.FromMilliseconds(200),
            Wrap = projector => crasher = new CrashInLargeBatch(projector, largerThan: 5, crashAt: 2),
        }, ct);
        await Task.WhenAny(crasher!.Crashed.Task, pipeline.Runner.Completion).WaitAsync(TimeSpan.FromSeconds(120), ct);
        crasher.Crashed.Task.IsCompleted.Should().BeTrue($"the runner applied large batches while far behind ({pipeline.Runner.Status})");
        crasher.CommittedSizes.Where(size => size > 5).Should().ContainSingle("one large batch committed before the crash");

        // A new process from the stored state and positions, with the default sizes: the crashed batch is applied again.
        await pipeline.RestartProjectionAsync(new ProjectionRestart(), ct);
        await pipeline.SettleAsync(ct);

        foreach (var (sku, _, before) in picked)
        {
            pipeline.Shopify.Level(sku, pipeline.WarehouseLocationId).OnHand.Should().Be(before + 10, $"{sku} took 10 units, whichever batch carried them");
            pipeline.Projector.ValueOf(new AvailabilityKey(pipeline.Shopify.ShopDomain, sku, pipeline.WarehouseLocationId)).Should().Be((int)(before + 10));
        }

        var oracle = OracleAvailability.Compute(await OracleAvailability.LoadAsync(pipeline.Odoo, ct),
            [new OracleStore(pipeline.Shopify.ShopDomain, [new OracleLocation(pipeline.WarehouseLocationId, ["WH"], [])])], []);
        foreach (var level in pipeline.Shopify.Inventory().Where(l => l.LocationId == ShopifyGid.Location(pipeline.WarehouseLocationId)))
        {
            level.OnHand.Should().Be(oracle[(pipeline.Shopify.ShopDomain, level.Sku, pipeline.WarehouseLocationId)].OnHand, $"Shopify {level.Sku} holds the policy's value");
        }

        pipeline.Runner.Status.Parked.Should().Be(0);
    }

    /// <summary>
    /// Passes batches to the availability projector and kills the process in the <c>crashAt</c>-th batch larger than
    /// <c>largerThan</c> records (a catch-up batch), once the projector applied it in the transaction: it hangs until the
    /// runner gives up on it and rolls it back.
    /// </summary>
    private sealed class CrashInLargeBatch(AvailabilityProjector inner, int largerThan, int crashAt) : PassThroughProjector(inner)
    {
        private int _large;

        /// <summary>Sizes of the batches that committed.</summary>
        public List<int> CommittedSizes { get; } = [];

        public TaskCompletionSource Crashed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
        {
            await Inner.ApplyAsync(batch, ct);
            if (batch.Records.Count > largerThan && ++_large == crashAt)
            {
                Crashed.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, ct); // hangs: the runner's drain timeout aborts the batch
            }
        }

        public override void Committed(ProjectionBatch batch)
        {
            CommittedSizes.Add(batch.Records.Count);
            Inner.Committed(batch);
        }
    }

    /// <summary>
    /// Passes batches to the availability projector, and kills the process at the worst moment of a catch-up: in the
    /// batch that would write the deferred values (the first within the threshold after a deferring one), once the
    /// projector applied it in the transaction, it hangs until the runner gives up on it and rolls it back.
    /// </summary>
    private sealed class CrashBeforeSettling(AvailabilityProjector inner) : PassThroughProjector(inner)
    {
        private bool _deferred;

        public AvailabilityProjector Availability => (AvailabilityProjector)Inner;

        public TaskCompletionSource Crashed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
        {
            await Inner.ApplyAsync(batch, ct);
            if (Availability.CatchingUp)
            {
                _deferred = true;
                return;
            }

            if (_deferred)
            {
                Crashed.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, ct); // hangs: the runner's drain timeout aborts the batch
            }
        }
    }

    /// <summary>
    /// Passes batches to the availability projector and keeps, per batch, what the runner told it and what it read per
    /// partition, so that a failing rebuild shows which partitions were still behind when values were written.
    /// </summary>
    private sealed class BatchTrace(AvailabilityProjector inner) : PassThroughProjector(inner)
    {
        private readonly List<(long Remaining, bool CaughtUpToStart, bool Deferred, Dictionary<(string Topic, int Partition), long> Next)> _batches = [];
        private readonly Dictionary<(string Topic, int Partition), long> _next = [];

        public override async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
        {
            await Inner.ApplyAsync(batch, ct);
            foreach (var record in batch.Records)
            {
                _next[(record.Topic, record.Partition)] = record.Offset + 1;
            }

            lock (_batches)
            {
                _batches.Add((batch.Remaining, batch.CaughtUpToStart, ((AvailabilityProjector)Inner).CatchingUp, new Dictionary<(string, int), long>(_next)));
            }
        }

        /// <summary>Each batch: what the runner told it, deferred or not, and the partitions it left short of where the last batch ended.</summary>
        public override string ToString()
        {
            lock (_batches)
            {
                var ends = _batches.Count == 0 ? [] : _batches[^1].Next;
                return string.Join(Environment.NewLine, _batches.Select((b, i) =>
                    $"#{i} remaining {b.Remaining}, {(b.CaughtUpToStart ? "" : "not ")}caught up to the start, {(b.Deferred ? "deferred" : "wrote")}; short of the end: "
                    + string.Join(", ", ends.Where(e => b.Next.GetValueOrDefault(e.Key) < e.Value).Select(e => $"{e.Key.Topic}[{e.Key.Partition}] {e.Value - b.Next.GetValueOrDefault(e.Key)}"))));
            }
        }
    }

    /// <summary>Keys whose quant the projection stored at its final quantity while inventory.availability still holds the value from before.</summary>
    private static async Task<List<string>> AppliedButNotWrittenAsync(AvailabilityPipeline pipeline, IReadOnlyList<(string Sku, int Quant, long Before)> picked,
        CancellationToken ct)
    {
        var finals = new Dictionary<int, decimal>();
        await using (var odoo = new NpgsqlConnection(pipeline.Odoo))
        {
            await odoo.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT id, quantity FROM stock_quant WHERE id = ANY($1)", odoo)
            { Parameters = { new() { Value = picked.Select(p => p.Quant).ToArray() } } };
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                finals[reader.GetInt32(0)] = reader.GetDecimal(1);
            }
        }

        await using var db = new NpgsqlConnection(pipeline.Sidecar);
        await db.OpenAsync(ct);
        var stale = new List<string>();
        foreach (var (sku, quant, before) in picked)
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT (SELECT (data->>'quantity')::numeric FROM inventory.odoo_rows WHERE tbl = 'stock_quant' AND id = $1),
                       (SELECT on_hand FROM inventory.availability WHERE shop_domain = $2 AND sku = $3 AND location_id = $4)
                """, db)
            {
                Parameters =
                {
                    new() { Value = quant },
                    new() { Value = pipeline.Shopify.ShopDomain },
                    new() { Value = sku },
                    new() { Value = pipeline.WarehouseLocationId },
                },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (reader.GetDecimal(0) == finals[quant] && reader.GetInt32(1) == before)
            {
                stale.Add(sku);
            }
        }

        return stale;
    }

    /// <summary>SKUs sold at Portland with an unclamped value above 5, each with a quant of its product in WH's stock location.</summary>
    private static async Task<List<(string Sku, int Quant, long OnHand)>> SellingQuantsAsync(AvailabilityPipeline pipeline, int count, CancellationToken ct)
    {
        var levels = pipeline.Shopify.Inventory().Where(l => l.LocationId == ShopifyGid.Location(pipeline.WarehouseLocationId) && l.OnHand > 5)
            .ToDictionary(l => l.Sku, l => l.OnHand, StringComparer.Ordinal);
        await using var db = new NpgsqlConnection(pipeline.Odoo);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT DISTINCT ON (p.default_code) p.default_code, q.id FROM stock_quant q
            JOIN product_product p ON p.id = q.product_id JOIN stock_warehouse w ON w.lot_stock_id = q.location_id
            WHERE w.code = 'WH' AND p.default_code = ANY($1) ORDER BY p.default_code, q.id
            """, db)
        { Parameters = { new() { Value = levels.Keys.ToArray() } } };
        var picked = new List<(string, int, long)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct) && picked.Count < count)
        {
            picked.Add((reader.GetString(0), reader.GetInt32(1), levels[reader.GetString(0)]));
        }

        picked.Should().HaveCount(count, "the test retailer sells enough SKUs from WH/Stock");
        return picked;
    }

    private static async Task<List<(string Shop, string Sku, long Location, int OnHand)>> ShopifyOutboxAsync(NpgsqlConnection db, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT shop_domain, sku, location_id, on_hand FROM channels.shopify_outbox ORDER BY id", db);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<(string, string, long, int)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3)));
        }

        return rows;
    }

    private static async Task<List<GenericRecord>> AnalyticsOutboxAsync(NpgsqlConnection db, ISchemaRegistryClient registry, string topic, CancellationToken ct)
    {
        var deserializer = new AvroDeserializer(registry);
        var values = new List<byte[]>();
        await using (var command = new NpgsqlCommand("SELECT record_value FROM channels.analytics_outbox ORDER BY id", db))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                values.Add((byte[])reader[0]);
            }
        }

        var records = new List<GenericRecord>(values.Count);
        foreach (var value in values)
        {
            records.Add((GenericRecord)(await deserializer.DeserializeAsync(value, false, new SerializationContext(MessageComponentType.Value, topic)))!);
        }

        return records;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync(ct);
    }
}
