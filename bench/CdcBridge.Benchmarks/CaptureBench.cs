using System.Diagnostics;
using System.Globalization;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Capture;
using CdcBridge.Debezium;
using CdcBridge.DevStack.Kafka;
using CdcBridge.DevStack.Odoo;
using CdcBridge.DevStack.Postgres;
using CdcBridge.DevStack.SchemaRegistry;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace CdcBridge.Benchmarks;

/// <summary>
/// Capture throughput (row changes from commit to acknowledged in Kafka) beside the raw pgoutput decode rate of a bare
/// Npgsql reader over the same WAL, and commit→Kafka latency at a fixed 1,000 changes/s. Everything embedded.
/// </summary>
internal static class CaptureBench
{
    public static async Task RunAsync(int changes, int rate, TimeSpan latencyRun)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"cdcbridge-bench-{Guid.NewGuid():N}"[..30]);
        var postgres = await EmbeddedPostgres.StartAsync(Path.Combine(folder, "postgres"));
        using var kafka = EmbeddedKafka.Start(3);
        try
        {
            await postgres.CreateDatabaseIfMissingAsync("odoo");
            await postgres.CreateDatabaseIfMissingAsync("registry");
            var odoo = postgres.ConnectionString("odoo");
            await using (var db = new NpgsqlConnection(odoo))
            {
                await db.OpenAsync();
                await OdooDatabase.CreateAsync(db, new SeedOptions { Products = 200, Seed = 1 });
            }

            await using var registry = await EmbeddedSchemaRegistry.StartAsync(postgres.ConnectionString("registry"));
            using var client = new SchemaRegistryClient(new SchemaRegistryOptions { Url = registry.Url });
            var options = new CaptureOptions { ConnectionString = odoo, KafkaBootstrap = kafka.BootstrapServers, Registry = client };
            await using (var first = await EmbeddedCapture.StartAsync(options, NullLogger.Instance))
            {
                await first.SnapshotCompleted; // the slot exists and has confirmed the snapshot
            }

            // The bare readers are warmed up on the warm-up backlog too, through a throwaway slot read twice.
            await ExecuteAsync(odoo, "SELECT pg_create_logical_replication_slot('bench_raw_warm', 'pgoutput')");

            // Warm-up: the capture drains one backlog untimed first, so the measured run executes JIT-optimised code as
            // a sidecar that has run for a while does; a cold run of about a second mostly measures the JIT's tiers.
            await InsertAsync(odoo, 1_000_000, changes);
            var warmSettings = CaptureSettings.Odoo with { HeartbeatInterval = TimeSpan.FromMilliseconds(100) };
            await using (var warm = await EmbeddedCapture.StartAsync(options with { FreshSnapshot = false, Settings = warmSettings }, NullLogger.Instance))
            {
                while (warm.EventsCaptured < changes)
                {
                    await Task.Delay(5);
                }

                // The slot must have confirmed the warm-up backlog, or the measured capture would read it again.
                await WaitForSlotAsync(odoo, options.Settings.SlotName);
            }

            await RawDecodeRateAsync(odoo, "bench_raw_warm", changes, bytesOnly: false);
            await RawDecodeRateAsync(odoo, "bench_raw_warm", changes, bytesOnly: true); // unconfirmed: the same backlog again
            await ExecuteAsync(odoo, "SELECT pg_drop_replication_slot('bench_raw_warm')");

            // Two bare slots over the same WAL: what reading pgoutput costs without envelopes, Avro and Kafka, once
            // decoding every value to a string (Npgsql's Get<string>) and once only reading each value's bytes. Made
            // right before the backlog, as the capture's slot is confirmed right up to it: none decodes older WAL.
            await ExecuteAsync(odoo, "SELECT pg_create_logical_replication_slot('bench_raw', 'pgoutput'), pg_create_logical_replication_slot('bench_raw_bytes', 'pgoutput')");

            // The same backlog for all three: written while none reads, then drained by each.
            await InsertAsync(odoo, 2_000_000, changes);

            // Timed from the start (slot, catalog, producer connection included), so no record is queued before the clock runs.
            await SettleAsync(odoo);
            var stopwatch = Stopwatch.StartNew();
            await using var capture = await EmbeddedCapture.StartAsync(options with { FreshSnapshot = false }, NullLogger.Instance);
            while (capture.EventsCaptured < changes)
            {
                await Task.Delay(5);
            }

            var captureRate = changes / stopwatch.Elapsed.TotalSeconds;
            await SettleAsync(odoo);
            var rawBytesRate = await RawDecodeRateAsync(odoo, "bench_raw_bytes", changes, bytesOnly: true);
            await SettleAsync(odoo);
            var rawRate = await RawDecodeRateAsync(odoo, "bench_raw", changes, bytesOnly: false);

            var latencies = await LatencyAsync(odoo, kafka.BootstrapServers, client, rate, latencyRun);
            latencies.Sort();
            double Percentile(double p) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p * latencies.Count) - 1)];
            Console.WriteLine();
            Console.WriteLine("Change capture (embedded PostgreSQL 15, embedded broker, embedded registry)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  capture throughput, WAL backlog → acknowledged in Kafka: {captureRate,10:N0} row changes/s ({changes:N0} inserts in {changes / 1000} transactions; start-up included, after an untimed warm-up backlog)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  raw pgoutput decode of the same backlog, bare Npgsql:   {rawRate,10:N0} row changes/s   (capture / raw = {captureRate / rawRate:0.00}; goal ≥ 0.5)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  raw pgoutput value bytes only (no decode), bare Npgsql: {rawBytesRate,10:N0} row changes/s   (capture / bytes-only = {captureRate / rawBytesRate:0.00})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  commit → Kafka latency at {rate:N0} changes/s for {latencyRun.TotalSeconds:0} s: p50 {Percentile(0.50):0.0} ms, p99 {Percentile(0.99):0.0} ms, max {latencies[^1]:0.0} ms ({latencies.Count:N0} changes)"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await postgres.StopAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Waits until the slot's confirmed position has reached the WAL written so far.</summary>
    private static async Task WaitForSlotAsync(string odoo, string slot)
    {
        await using var db = new NpgsqlConnection(odoo);
        await db.OpenAsync();
        await using var target = new NpgsqlCommand("SELECT pg_current_wal_lsn()::text", db);
        var lsn = (string)(await target.ExecuteScalarAsync())!;
        await using var confirmed = new NpgsqlCommand("SELECT confirmed_flush_lsn >= $1::pg_lsn FROM pg_replication_slots WHERE slot_name = $2", db)
        {
            Parameters = { new() { Value = lsn }, new() { Value = slot } },
        };
        var deadline = Stopwatch.StartNew();
        while (await confirmed.ExecuteScalarAsync() is not true)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"The slot {slot} did not confirm the warm-up backlog within 2 minutes.");
            }

            await Task.Delay(50);
        }
    }

    private static async Task ExecuteAsync(string odoo, string sql)
    {
        await using var db = new NpgsqlConnection(odoo);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task InsertAsync(string odoo, int firstId, int count)
    {
        await using var db = new NpgsqlConnection(odoo);
        await db.OpenAsync();
        for (var start = 0; start < count; start += 1000)
        {
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) " +
                $"SELECT g, 1, 11, g % 100, 0, now() FROM generate_series({firstId + start}, {firstId + start + Math.Min(1000, count - start) - 1}) g", db);
            await insert.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// Lets the machine settle before a measured phase, so that neither lands in one measurement and not the other:
    /// PostgreSQL's dirty pages written (CHECKPOINT, then the kernel's sync: the embedded server runs with fsync off),
    /// and the JIT done tiering up what ran before (no method compiled for half a second).
    /// </summary>
    private static async Task SettleAsync(string odoo)
    {
        await using (var db = new NpgsqlConnection(odoo))
        {
            await db.OpenAsync();
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", db);
            await checkpoint.ExecuteNonQueryAsync();
        }

        using (var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false })!)
        {
            await sync.WaitForExitAsync();
        }

        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var quiet = Stopwatch.StartNew();
        var limit = Stopwatch.StartNew();
        while (quiet.Elapsed < TimeSpan.FromMilliseconds(500) && limit.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                quiet.Restart();
            }
        }
    }

    /// <summary>Reads the first <paramref name="changes"/> inserts of a bare slot (it is never confirmed).</summary>
    private static async Task<double> RawDecodeRateAsync(string odoo, string slotName, int changes, bool bytesOnly)
    {
        var buffer = new byte[1024];
        await using var raw = new LogicalReplicationConnection(odoo);
        await raw.Open();
        var slot = new PgOutputReplicationSlot(slotName);
        var stopwatch = Stopwatch.StartNew();
        var seen = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await foreach (var message in raw.StartReplication(slot, new PgOutputReplicationOptions(CaptureSettings.Odoo.PublicationName, PgOutputProtocolVersion.V1), cts.Token))
        {
            if (message is InsertMessage insert)
            {
                await foreach (var value in insert.NewRow)
                {
                    if (value.IsDBNull)
                    {
                        continue;
                    }

                    if (bytesOnly)
                    {
                        if (buffer.Length < value.Length)
                        {
                            buffer = new byte[value.Length];
                        }

                        await value.GetStream().ReadExactlyAsync(buffer.AsMemory(0, value.Length));
                    }
                    else
                    {
                        _ = await value.Get<string>();
                    }
                }

                ++seen;
            }
            else if (message is CommitMessage && seen >= changes)
            {
                break;
            }
        }

        return changes / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>One insert per transaction at a fixed rate; latency = when a consumer sees it − its commit time (source.ts_us).</summary>
    private static async Task<List<double>> LatencyAsync(string odoo, string bootstrap, ISchemaRegistryClient registry, int rate, TimeSpan duration)
    {
        var topic = $"{CaptureSettings.Odoo.TopicPrefix}.public.stock_quant";
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench",
            EnableAutoCommit = false,
            FetchWaitMaxMs = 5,
        }).Build();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            var partitions = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Single(t => t.Topic == topic).Partitions;
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.End)));
        }

        var total = (int)(rate * duration.TotalSeconds);
        var deserializer = new AvroDeserializer(registry);
        var latencies = new List<double>(total);
        var reading = Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow + duration + TimeSpan.FromSeconds(30);
            while (latencies.Count < total && DateTime.UtcNow < deadline)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(50)) is not { Message.Value: not null } record)
                {
                    continue;
                }

                var seenAt = DateTime.UtcNow;
                var envelope = (GenericRecord)(await deserializer.DeserializeAsync(record.Message.Value, false, default))!;
                if ((string)envelope["op"]! != "c")
                {
                    continue;
                }

                var committedUs = (long)((GenericRecord)envelope["source"]!)["ts_us"]!;
                latencies.Add((seenAt - DateTime.UnixEpoch.AddTicks(committedUs * 10)).TotalMilliseconds);
            }
        });

        await using var db = new NpgsqlConnection(odoo);
        await db.OpenAsync();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / (double)rate);
            while (clock.Elapsed < due)
            {
                await Task.Yield();
            }

            await using var insert = new NpgsqlCommand(
                $"INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES ({3_000_000 + i}, 1, 11, 1, 0, now())", db);
            await insert.ExecuteNonQueryAsync();
        }

        await reading;
        return latencies;
    }
}
