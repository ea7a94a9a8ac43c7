using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Registry;
using CdcBridge.Capture;
using CdcBridge.Debezium;
using CdcBridge.Debezium.Events;
using CdcBridge.DevStack.SchemaRegistry;
using CdcBridge.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>The embedded capture against a real PostgreSQL, the embedded broker and the embedded registry.</summary>
public sealed class EmbeddedCaptureTests(InfrastructureFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly ITestInfrastructure _infra = fixture.Infrastructure;
    private readonly string _prefix = UniqueName.For("cap")[..16];
    private string _odoo = "";
    private EmbeddedSchemaRegistry? _registry;
    private SchemaRegistryClient? _client;
    private EmbeddedCapture? _capture;

    private CaptureSettings Settings => CaptureSettings.Odoo with { TopicPrefix = _prefix, SlotName = _prefix };

    public async ValueTask InitializeAsync()
    {
        _odoo = await _infra.CreateOdooDatabaseAsync();
        _registry = await EmbeddedSchemaRegistry.StartAsync(await _infra.CreateEmptyDatabaseAsync());
        _client = new SchemaRegistryClient(new SchemaRegistryOptions { Url = _registry.Url });
    }

    private async Task StartCaptureAsync(CaptureSettings? settings = null, bool fresh = true)
    {
        _capture = await EmbeddedCapture.StartAsync(new CaptureOptions
        {
            ConnectionString = _odoo,
            KafkaBootstrap = _infra.KafkaBootstrap,
            Registry = _client!,
            Settings = settings ?? Settings,
            FreshSnapshot = fresh,
        }, NullLogger.Instance);
        await (await Task.WhenAny(_capture.SnapshotCompleted, _capture.Completion)).WaitAsync(Patience);
    }

    [Fact]
    public async Task The_snapshot_reads_every_quant_then_an_insert_update_and_delete_stream_as_c_u_d_and_a_tombstone()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartCaptureAsync();
        long quants;
        await using (var db = new NpgsqlConnection(_odoo))
        {
            await db.OpenAsync(ct);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM stock_quant", db);
            quants = (long)(await count.ExecuteScalarAsync(ct))!;
        }

        using var consumer = Consumer($"{_prefix}.public.stock_quant");
        var snapshot = await ReadAsync(consumer, (int)quants, ct);
        snapshot.Should().OnlyContain(c => c.Operation == ChangeOperation.Read && c.Source!.IsSnapshot);
        snapshot.Select(c => c.After!.GetInt("id")).Should().OnlyHaveUniqueItems().And.HaveCount((int)quants);
        snapshot.Count(c => c.Source!.Snapshot == "first").Should().Be(1, "the very first snapshot record is marked first");

        await using (var db = new NpgsqlConnection(_odoo))
        {
            await db.OpenAsync(ct);
            await Execute(db, "INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES (990001, 1, 11, 7, 0, now() AT TIME ZONE 'UTC')", ct);
            await Execute(db, "UPDATE stock_quant SET quantity = 12.5 WHERE id = 990001", ct);
            await Execute(db, "DELETE FROM stock_quant WHERE id = 990001", ct);
        }

        var streamed = (await ReadAsync(consumer, 4, ct)).Where(c => c.Key!.GetInt("id") == 990001).ToList();
        streamed.Select(c => c.Operation).Should().Equal(ChangeOperation.Create, ChangeOperation.Update, ChangeOperation.Delete, ChangeOperation.Tombstone);
        streamed[0].After!.GetDecimal("quantity")!.Value.CompareTo(Avro.Generic.AvroDecimal.Parse("7")).Should().Be(0);
        streamed[1].Before!.GetDecimal("quantity")!.Value.CompareTo(Avro.Generic.AvroDecimal.Parse("7")).Should().Be(0, "REPLICA IDENTITY FULL gives the old row");
        streamed[1].After!.GetDecimal("quantity").Should().Be(Avro.Generic.AvroDecimal.Parse("12.5"));
        streamed[2].Before!.GetInt("id").Should().Be(990001);
        streamed[2].Source!.Lsn.Should().BeGreaterThan(streamed[1].Source!.Lsn!.Value, "changes carry their WAL position in commit order");
        streamed[0].Source!.TxId.Should().NotBe(streamed[1].Source!.TxId, "each statement was its own transaction");
        streamed[0].Source!.Version.Should().Be(CaptureSettings.EmulatedDebeziumVersion);
    }

    [Fact]
    public async Task A_quiet_database_still_moves_the_slot_through_heartbeats()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartCaptureAsync(Settings with { HeartbeatInterval = TimeSpan.FromMilliseconds(200) });
        var start = await ConfirmedFlushAsync(ct);

        var moved = await EventuallyAsync(async () => await ConfirmedFlushAsync(ct) > start, ct);

        moved.Should().BeTrue("the heartbeat query writes WAL the slot confirms once Kafka has it");
        using var consumer = Consumer($"__debezium-heartbeat.{_prefix}");
        var heartbeat = consumer.Consume(Patience);
        heartbeat.Should().NotBeNull();
        var value = (Avro.Generic.GenericRecord)(await new AvroDeserializer(_client!).DeserializeAsync(heartbeat.Message.Value, false, default))!;
        ((long)value["ts_ms"]!).Should().BePositive();
    }

    [Fact]
    public async Task A_column_added_mid_stream_is_captured_without_restart_under_a_backward_compatible_schema_version()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartCaptureAsync();
        await using (var db = new NpgsqlConnection(_odoo))
        {
            await db.OpenAsync(ct);
            await Execute(db, "ALTER TABLE stock_quant ADD COLUMN cdc_note varchar", ct);
            await Execute(db, "INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date, cdc_note) VALUES (990003, 1, 11, 1, 0, now(), 'after the ALTER')", ct);
        }

        using var consumer = Consumer($"{_prefix}.public.stock_quant");
        var change = (await ReadUntilAsync(consumer, c => c.Key?.GetInt("id") == 990003, ct)).Last();
        change.After!.GetString("cdc_note").Should().Be("after the ALTER");
        (await _client!.GetVersionsAsync($"{_prefix}.public.stock_quant-value", ct)).Should().Equal(1, 2);
    }

    [Fact]
    public async Task Capture_stopped_mid_stream_and_restarted_from_its_slot_loses_no_committed_change()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartCaptureAsync();
        await using var db = new NpgsqlConnection(_odoo);
        await db.OpenAsync(ct);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                await Execute(db, $"INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES ({991000 + i}, 1, 11, {i}, 0, now())", ct);
            }
        }, ct);

        await EventuallyAsync(() => Task.FromResult(_capture!.EventsCaptured > 0), ct);
        await _capture!.DisposeAsync(); // stops while the writer goes on
        _capture = null;
        await writer;
        await StartCaptureAsync(fresh: false); // resumes from the slot's confirmed position: no snapshot

        using var consumer = Consumer($"{_prefix}.public.stock_quant");
        var seen = new HashSet<int>();
        await ReadUntilAsync(consumer, c =>
        {
            if (c.Key?.GetInt("id") is { } id and >= 991000 and < 991060)
            {
                seen.Add(id);
            }

            return seen.Count == 60;
        }, ct);
        seen.Should().HaveCount(60, "every committed insert arrives at least once");
    }

    [Fact]
    public async Task An_update_that_leaves_a_toasted_value_alone_carries_debeziums_unavailable_placeholder()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartCaptureAsync();
        // product_template keeps REPLICA IDENTITY DEFAULT: an unchanged out-of-line (TOASTed) value is not in the WAL.
        var large = string.Concat(Enumerable.Range(0, 3000).Select(i => (char)('a' + ((i * 7919) % 26)))) + Guid.NewGuid();
        await using (var db = new NpgsqlConnection(_odoo))
        {
            await db.OpenAsync(ct);
            await Execute(db, "ALTER TABLE product_template ALTER COLUMN description_sale SET STORAGE EXTERNAL", ct); // out of line, uncompressed
            await Execute(db, $"UPDATE product_template SET description_sale = jsonb_build_object('en_US', repeat('{large}', 3)) WHERE id = 1", ct);
            await Execute(db, "UPDATE product_template SET list_price = 42.5 WHERE id = 1", ct);
        }

        using var consumer = Consumer($"{_prefix}.public.product_template");
        var changes = await ReadUntilAsync(consumer, c => c.Operation == ChangeOperation.Update && c.After!.GetDecimal("list_price")?.ToString() == "42.5", ct);
        var last = changes.Last();
        last.After!.IsUnavailable("description_sale").Should().BeTrue("the unchanged TOASTed column arrives as __debezium_unavailable_value");
        last.After.GetString("sale_line_warn").Should().NotBeNull("other columns are all there");
        changes.Last(c => c.Operation == ChangeOperation.Update && !c.After!.IsUnavailable("description_sale"))
            .After!.GetString("description_sale").Should().Contain(large, "the update that wrote it carries it");
    }

    [Fact]
    public async Task A_truncate_is_emitted_as_op_t_with_a_null_key()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartCaptureAsync();
        await using (var db = new NpgsqlConnection(_odoo))
        {
            await db.OpenAsync(ct);
            await Execute(db, "TRUNCATE stock_quant", ct);
        }

        using var consumer = Consumer($"{_prefix}.public.stock_quant");
        var truncate = (await ReadUntilAsync(consumer, c => c.Operation == ChangeOperation.Truncate, ct)).Last();
        truncate.Key.Should().BeNull();
        truncate.Before.Should().BeNull();
        truncate.After.Should().BeNull();
        truncate.Table.Should().Be("stock_quant");
    }

    [Fact]
    public async Task Concurrent_random_transactions_arrive_complete_in_commit_order_per_key_and_rolled_back_ones_never()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartCaptureAsync();
        const int keys = 20;
        await using (var db = new NpgsqlConnection(_odoo))
        {
            await db.OpenAsync(ct);
            for (var k = 0; k < keys; k++)
            {
                await Execute(db, $"INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES ({992000 + k}, 1, 11, 0, 0, now())", ct);
            }
        }

        // Four writers; each transaction bumps 1-3 keys by one (in key order, so writers cannot deadlock); one in
        // six marks a key with -999 and rolls back, which must never be seen.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            await using var db = new NpgsqlConnection(_odoo);
            await db.OpenAsync(ct);
            for (var t = 0; t < 40; t++)
            {
                await using var tx = await db.BeginTransactionAsync(ct);
                var touched = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(keys)).Distinct().Order().ToList();
                foreach (var k in touched)
                {
                    await Execute(db, $"UPDATE stock_quant SET quantity = quantity + 1 WHERE id = {992000 + k}", ct);
                }

                if (random.Next(6) == 0)
                {
                    // Only a row this transaction already holds: no new lock, so no deadlock between writers.
                    await Execute(db, $"UPDATE stock_quant SET quantity = -999 WHERE id = {992000 + touched[^1]}", ct);
                    await tx.RollbackAsync(ct);
                }
                else
                {
                    await tx.CommitAsync(ct);
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(writers);

        var final = new Dictionary<int, int>();
        await using (var db = new NpgsqlConnection(_odoo))
        {
            await db.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT id, quantity::int FROM stock_quant WHERE id >= 992000 AND id < 992020", db);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                final[reader.GetInt32(0)] = reader.GetInt32(1);
            }
        }

        var expectedEvents = final.Values.Sum() + keys;
        using var consumer = Consumer($"{_prefix}.public.stock_quant");
        var mine = new List<RowChange>();
        await ReadUntilAsync(consumer, c =>
        {
            if (c.Key?.GetInt("id") is >= 992000 and < 992020)
            {
                mine.Add(c);
            }

            return mine.Count >= expectedEvents;
        }, ct);

        mine.Should().NotContain(c => c.After != null && c.After.GetInt("id") != null && c.After.GetDecimal("quantity")!.Value.Unscaled == -999, "rolled back changes never reach Kafka");
        foreach (var (id, quantity) in final)
        {
            var sequence = mine.Where(c => c.Key!.GetInt("id") == id).Select(c => (int)c.After!.GetDecimal("quantity")!.Value.ToDecimal()).ToList();
            sequence.Should().Equal(Enumerable.Range(0, quantity + 1), $"quant {id} passes through every committed value in commit order");
        }
    }

    [Fact]
    public async Task A_snapshot_taken_while_odoo_writes_has_every_row_exactly_once_either_read_or_streamed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var inserted = new List<int>();
        var writer = Task.Run(async () =>
        {
            await using var db = new NpgsqlConnection(_odoo);
            await db.OpenAsync(ct);
            // No upper bound: on a loaded machine the snapshot can take longer than any fixed number of inserts, and a
            // writer that finished before the slot existed left nothing to stream (CI failure, 2026-11-22).
            for (var id = 993000; !writing.IsCancellationRequested; id++)
            {
                await Execute(db, $"INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES ({id}, 1, 11, 1, 0, now())", ct);
                lock (inserted)
                {
                    inserted.Add(id);
                }
            }
        }, ct);

        int Inserted()
        {
            lock (inserted)
            {
                return inserted.Count;
            }
        }

        await EventuallyAsync(() => Task.FromResult(Inserted() > 20), ct);
        await StartCaptureAsync(); // snapshots while the writer goes on
        var atSnapshotEnd = Inserted(); // every insert counted after this commits after the slot's snapshot point: streamed
        await EventuallyAsync(() => Task.FromResult(Inserted() > atSnapshotEnd + 50 || writer.IsCompleted), ct);
        await writing.CancelAsync();
        await writer;

        using var consumer = Consumer($"{_prefix}.public.stock_quant");
        var seen = new List<(int Id, ChangeOperation Op)>();
        await ReadUntilAsync(consumer, c =>
        {
            if (c.Key?.GetInt("id") is { } id and >= 993000)
            {
                seen.Add((id, c.Operation));
            }

            return seen.Count >= inserted.Count;
        }, ct);

        seen.Select(s => s.Id).Should().BeEquivalentTo(inserted, "no gap and no overlap between snapshot and stream");
        seen.Should().Contain(s => s.Op == ChangeOperation.Read, "rows committed before the snapshot are read");
        seen.Should().Contain(s => s.Op == ChangeOperation.Create, "rows committed after it are streamed");
    }

    public async ValueTask DisposeAsync()
    {
        if (_capture is not null)
        {
            await _capture.DisposeAsync();
        }

        await using (var db = new NpgsqlConnection(_odoo))
        {
            await db.OpenAsync();
            await Execute(db, $"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{_prefix}'", CancellationToken.None);
        }

        _client?.Dispose();
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }

    private IConsumer<byte[]?, byte[]?> Consumer(string topic)
    {
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = _infra.KafkaBootstrap,
            GroupId = UniqueName.For("g"),
            EnableAutoCommit = false,
        }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _infra.KafkaBootstrap }).Build();
        var partitions = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Single(t => t.Topic == topic).Partitions;
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        return consumer;
    }

    private async Task<List<RowChange>> ReadAsync(IConsumer<byte[]?, byte[]?> consumer, int count, CancellationToken ct)
    {
        var changes = await ReadUntilAsync(consumer, _ => false, ct, count);
        changes.Should().HaveCount(count, "every change reaches Kafka");
        return changes;
    }

    private async Task<List<RowChange>> ReadUntilAsync(IConsumer<byte[]?, byte[]?> consumer, Func<RowChange, bool> done, CancellationToken ct, int? count = null)
    {
        var deserializer = new AvroDeserializer(_client!);
        var changes = new List<RowChange>();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { } record)
            {
                continue;
            }

            var context = new SerializationContext(MessageComponentType.Value, record.Topic);
            var key = record.Message.Key is null ? null : await deserializer.DeserializeAsync(record.Message.Key, false, context);
            var value = record.Message.Value is null ? null : await deserializer.DeserializeAsync(record.Message.Value, false, context);
            var change = ChangeEventReader.Read(record.Topic, key, value);
            changes.Add(change);
            if (done(change) || changes.Count == count)
            {
                return changes;
            }
        }

        throw new TimeoutException($"The awaited change did not arrive within {Patience.TotalSeconds} s ({changes.Count} changes read).");
    }

    private async Task<NpgsqlTypes.NpgsqlLogSequenceNumber> ConfirmedFlushAsync(CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(_odoo);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '{_prefix}'", db);
        return (NpgsqlTypes.NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Waits for a condition another process brings about (bounded; checked every 100 ms).</summary>
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100, ct);
        }

        return false;
    }

    private static async Task Execute(NpgsqlConnection db, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync(ct);
    }
}
