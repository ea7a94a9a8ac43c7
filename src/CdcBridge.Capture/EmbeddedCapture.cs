using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;
using CdcBridge.Debezium;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace CdcBridge.Capture;

/// <summary>What the embedded capture connects to.</summary>
public sealed record CaptureOptions
{
    /// <summary>A connection string of the captured database for a user allowed to replicate.</summary>
    public required string ConnectionString { get; init; }

    public required string KafkaBootstrap { get; init; }

    public required ISchemaRegistryClient Registry { get; init; }

    public CaptureSettings Settings { get; init; } = CaptureSettings.Odoo;

    /// <summary>Drop the slot and snapshot again (the embedded broker forgets everything on restart).</summary>
    public bool FreshSnapshot { get; init; } = true;

    /// <summary>The clock of envelope and snapshot-read timestamps.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// The most snapshot rows held at once: read from PostgreSQL but not yet acknowledged by Kafka (the one-row
    /// lookahead included). Debezium's <c>max.queue.size</c> default.
    /// </summary>
    internal int SnapshotMaxInFlight { get; init; } = 8192;

    /// <summary>Rows per round trip of the initial snapshot's cursor.</summary>
    internal int SnapshotFetchSize { get; init; } = 1024;

    /// <summary>Test seam: runs after an incremental-snapshot chunk is read and before its window is closed.</summary>
    internal Func<IncrementalChunk, CancellationToken, Task>? AfterIncrementalChunkRead { get; init; }
}

/// <summary>
/// A Debezium-compatible change capture of PostgreSQL into Kafka: a pgoutput slot, a consistent initial snapshot from
/// the slot's exported snapshot (<c>op: r</c>), then streaming of inserts, updates, deletes (+ tombstones) and
/// truncates as Debezium envelopes in Confluent Avro, keyed by primary key and partitioned like Java's producer. The
/// slot confirms a transaction's LSN only after Kafka acknowledged all of it and everything before it: a crash can
/// repeat events, never lose them. A failed delivery stops capture at once. Incremental snapshots run on request
/// through the signal table (<see cref="IncrementalSnapshot"/>).
/// </summary>
public sealed partial class EmbeddedCapture : IAsyncDisposable
{
    private readonly CaptureOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _halt; // _stop, or a failed delivery
    private readonly TaskCompletionSource _snapshotDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly AckTracker _acks = new();
    private readonly Dictionary<uint, CapturedTable> _byRelation = [];
    private readonly Dictionary<string, CapturedTable> _byName = [];
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly HashSet<string> _captured;
    private readonly InFlightLimit _snapshotLimit;
    private IncrementalSnapshot? _incremental;
    private Task _loop = Task.CompletedTask;
    private long _events;
    private string? _lastCommitLsn;
    private volatile string? _fault;
    private readonly string _database;

    private EmbeddedCapture(CaptureOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _captured = options.Settings.Tables.ToHashSet(StringComparer.Ordinal);
        _halt = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        _snapshotLimit = new InFlightLimit(Math.Max(1, options.SnapshotMaxInFlight));
        _database = new NpgsqlConnectionStringBuilder(options.ConnectionString).Database ?? "";
        _producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = options.KafkaBootstrap,
            Partitioner = Partitioner.Murmur2Random, // what Java's producer (and so Debezium) uses for keyed records
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        }).Build();
    }

    /// <summary>Completes when the initial snapshot is in Kafka (at once when streaming resumes an existing slot).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "VSTHRD003", Justification = "Exposes the capture's own lifecycle tasks to callers.")]
    public Task SnapshotCompleted => _snapshotDone.Task;

    /// <summary>Faults when capture stops on an error (a refused schema, a failed delivery, a lost connection).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "VSTHRD003", Justification = "Exposes the capture's own lifecycle tasks to callers.")]
    public Task Completion => _loop;

    public long EventsCaptured => Interlocked.Read(ref _events);

    /// <summary>The commit time of the last transaction streamed (null before the first).</summary>
    public DateTime? LastCommitAt { get; private set; }

    /// <summary>The LSN the slot may confirm: everything before it is acknowledged by Kafka.</summary>
    public NpgsqlLogSequenceNumber ConfirmedLsn => _acks.Confirmable;

    /// <summary>The most initial-snapshot rows held in memory at once (bounded by <see cref="CaptureOptions.SnapshotMaxInFlight"/>).</summary>
    internal int SnapshotPeakRowsHeld => _snapshotLimit.Peak;

    /// <summary>Whether an incremental snapshot is under way.</summary>
    internal bool IncrementalSnapshotRunning => _incremental?.Running ?? false;

    /// <summary>Incremental-snapshot chunks read so far.</summary>
    internal long IncrementalChunksRead => _incremental?.ChunksRead ?? 0;

    public static Task<EmbeddedCapture> StartAsync(CaptureOptions options, ILogger logger, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var capture = new EmbeddedCapture(options, logger);
        capture._loop = Task.Run(capture.RunAsync, CancellationToken.None);
        return Task.FromResult(capture);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "VSTHRD003", Justification = "Waits for the loop this instance started.")]
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is NpgsqlException or KafkaException or InvalidOperationException or SchemaRegistryException)
        {
            // Already reported through Completion.
        }

        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
        _snapshotLimit.Dispose();
        _halt.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            await CaptureAsync(_halt.Token);
        }
        catch (Exception e) when (_fault is { } fault && !_stop.IsCancellationRequested && e is not InvalidOperationException)
        {
            // A failed delivery cancelled the run: report the delivery, not the cancellation it caused.
            throw new InvalidOperationException(fault, e);
        }
    }

    private async Task CaptureAsync(CancellationToken ct)
    {
        var settings = _options.Settings;
        await using var replication = new LogicalReplicationConnection(_options.ConnectionString);
        await replication.Open(ct);
        await using var sql = new NpgsqlConnection(_options.ConnectionString);
        await sql.OpenAsync(ct);

        var exists = await SlotExistsAsync(sql, settings.SlotName, ct);
        if (exists && _options.FreshSnapshot)
        {
            await using var drop = new NpgsqlCommand("SELECT pg_drop_replication_slot($1)", sql) { Parameters = { new() { Value = settings.SlotName } } };
            await drop.ExecuteNonQueryAsync(ct);
            exists = false;
        }

        PgOutputReplicationSlot slot;
        if (exists)
        {
            slot = new PgOutputReplicationSlot(settings.SlotName);
            _snapshotDone.TrySetResult();
        }
        else
        {
            slot = await replication.CreatePgOutputReplicationSlot(settings.SlotName, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export, cancellationToken: ct);
            await SnapshotAsync(slot, ct);
        }

        using var heartbeats = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = settings.HeartbeatInterval > TimeSpan.Zero ? HeartbeatLoopAsync(replication, heartbeats.Token) : Task.CompletedTask;
        try
        {
            await StreamAsync(replication, slot, ct);
        }
        finally
        {
            await heartbeats.CancelAsync();
            await heartbeat;
        }
    }

    private async Task StreamAsync(LogicalReplicationConnection replication, PgOutputReplicationSlot slot, CancellationToken ct)
    {
        await using var catalog = new NpgsqlConnection(_options.ConnectionString);
        await catalog.OpenAsync(ct);
        var options = new PgOutputReplicationOptions(_options.Settings.PublicationName, PgOutputProtocolVersion.V1);
        var transaction = new List<CapturedChange>();
        long txId = 0;
        var commitTs = _options.Time.GetUtcNow().UtcDateTime;
        var lastConfirmed = _acks.Confirmable;
        _incremental = _options.Settings.SignalTable is { } signals && _captured.Contains(signals)
            ? new IncrementalSnapshot(_options.Settings, catalog, _acks, _logger, _options.Time, (name, token) => TableAsync(catalog, name, token),
                IncrementalRead, _options.AfterIncrementalChunkRead)
            : null;

        await foreach (var message in replication.StartReplication(slot, options, ct))
        {
            ThrowIfFaulted();

            switch (message)
            {
                case BeginMessage begin:
                    txId = begin.TransactionXid;
                    commitTs = begin.TransactionCommitTimestamp;
                    transaction.Clear();
                    break;
                case RelationMessage relation:
                    await OnRelationAsync(catalog, relation, ct);
                    break;
                case InsertMessage insert when Table(insert.Relation) is { } table:
                    var inserted = await RowAsync(table, insert.NewRow, ct);
                    transaction.Add(new(table, table.Key(inserted), Envelope(table, null, inserted, StreamSource(table, commitTs, message.WalStart, txId), "c"), false));
                    break;
                case UpdateMessage update when Table(update.Relation) is { } table:
                    GenericRecord? before = update switch
                    {
                        FullUpdateMessage full => await RowAsync(table, full.OldRow, ct),
                        IndexUpdateMessage index => await RowAsync(table, index.Key, ct),
                        _ => null, // replica identity DEFAULT: no old row unless the key changed
                    };
                    var after = await RowAsync(table, update.NewRow, ct);
                    var newKey = table.Key(after);
                    if (before is not null && table.Key(before) is { } oldKey && !KeyChangeHeader.SameKey(oldKey, newKey))
                    {
                        // A primary-key update, as Debezium emits it: delete (+ tombstone) under the old key, create under the new.
                        var source = StreamSource(table, commitTs, message.WalStart, txId);
                        var toNew = KeyChangeHeader.Of(KeyChangeHeader.NewKey, newKey!);
                        transaction.Add(new(table, oldKey, Envelope(table, before, null, source, "d"), false, toNew));
                        if (_options.Settings.TombstonesOnDelete)
                        {
                            transaction.Add(new(table, oldKey, Envelope(table, before, null, source, "d"), true, toNew));
                        }

                        transaction.Add(new(table, newKey, Envelope(table, null, after, source, "c"), false, KeyChangeHeader.Of(KeyChangeHeader.OldKey, oldKey)));
                        break;
                    }

                    transaction.Add(new(table, newKey, Envelope(table, before, after, StreamSource(table, commitTs, message.WalStart, txId), "u"), false));
                    break;
                case DeleteMessage delete when Table(delete.Relation) is { } table:
                    var old = delete switch
                    {
                        FullDeleteMessage full => await RowAsync(table, full.OldRow, ct),
                        KeyDeleteMessage key => await RowAsync(table, key.Key, ct),
                        _ => throw new InvalidOperationException("A delete without its old row."),
                    };
                    var deleteKey = table.Key(old);
                    transaction.Add(new(table, deleteKey, Envelope(table, old, null, StreamSource(table, commitTs, message.WalStart, txId), "d"), false));
                    if (_options.Settings.TombstonesOnDelete)
                    {
                        transaction.Add(new(table, deleteKey, Envelope(table, old, null, StreamSource(table, commitTs, message.WalStart, txId), "d"), true));
                    }

                    break;
                case TruncateMessage truncate when !_options.Settings.SkippedOperations.Contains('t'):
                    foreach (var relation in truncate.Relations)
                    {
                        if (Table(relation) is { } table)
                        {
                            transaction.Add(new(table, null, Envelope(table, null, null, StreamSource(table, commitTs, message.WalStart, txId), "t"), false));
                        }
                    }

                    break;
                case CommitMessage commit:
                    // Signals act where they are in the stream: a close watermark puts its chunk's rows right after it.
                    var published = _incremental is null ? transaction : await _incremental.InterleaveAsync(transaction, ct);
                    await PublishAsync(published, commit.TransactionEndLsn, ct);
                    LastCommitAt = commit.TransactionCommitTimestamp;
                    _lastCommitLsn = ((long)(ulong)commit.CommitLsn).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    transaction.Clear();
                    break;
            }

            var confirmable = _acks.Confirmable;
            if (confirmable > lastConfirmed)
            {
                replication.SetReplicationStatus(confirmable);
                await replication.SendStatusUpdate(ct);
                lastConfirmed = confirmable;
            }
        }
    }

    private async Task PublishAsync(List<CapturedChange> records, NpgsqlLogSequenceNumber commitEnd, CancellationToken ct)
    {
        var tracked = _acks.Track(commitEnd, records.Count);
        foreach (var record in records)
        {
            ct.ThrowIfCancellationRequested();
            await ProduceAsync(record.Table, record.Key, record.Tombstone ? null : record.Envelope, tracked, header: record.Header);
        }
    }

    /// <param name="settled">Called once Kafka answered, whether it took the record or not.</param>
    private async Task ProduceAsync(CapturedTable table, GenericRecord? key, GenericRecord? envelope, AckTracker.Entry tracked, Action? settled = null,
        KeyChangeHeader? header = null)
    {
        var keyBytes = await table.SerializeKeyAsync(key);
        var valueBytes = envelope is null ? null : await table.SerializeValueAsync(envelope);
        var message = new Message<byte[]?, byte[]?> { Key = keyBytes, Value = valueBytes };
        if (header is not null)
        {
            message.Headers = [new Header(header.Name, header.Value)];
        }

        _producer.Produce(table.Topic, message, report =>
        {
            if (report.Error.IsError)
            {
                // Never confirm past an undelivered record: capture stops and resumes from the confirmed LSN.
                Fail($"Kafka did not take a record for {table.Topic}: {report.Error.Reason} ({report.Error.Code})");
            }
            else
            {
                Interlocked.Increment(ref _events);
                _acks.Acknowledge(tracked);
            }

            settled?.Invoke();
        });
    }

    /// <summary>
    /// Stops capture now (on librdkafka's delivery thread): the replication loop would otherwise notice only at its
    /// next WAL message, a whole heartbeat interval later when Odoo is quiet.
    /// </summary>
    private void Fail(string reason)
    {
        if (Interlocked.CompareExchange(ref _fault, reason, null) is null)
        {
            LogDeliveryFailed(_logger, reason);
            _ = _halt.CancelAsync(); // callbacks run on the thread pool, not on librdkafka's
        }
    }

    private void ThrowIfFaulted()
    {
        if (_fault is { } fault)
        {
            throw new InvalidOperationException(fault);
        }
    }

    private GenericRecord Envelope(CapturedTable table, GenericRecord? before, GenericRecord? after, GenericRecord source, string op)
    {
        var now = _options.Time.GetUtcNow().UtcDateTime;
        var micros = (now.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        return new GenericRecord(table.Envelope)
        {
            ["before"] = before,
            ["after"] = after,
            ["source"] = source,
            ["transaction"] = null,
            ["op"] = op,
            ["ts_ms"] = micros / 1000,
            ["ts_us"] = micros,
            ["ts_ns"] = micros * 1000,
        };
    }

    private GenericRecord StreamSource(CapturedTable table, DateTime commitTs, NpgsqlLogSequenceNumber lsn, long txId)
    {
        var position = (long)(ulong)lsn;
        // Debezium's source.sequence: ["<last commit LSN>","<this LSN>"], JSON null before the first commit.
        var last = _lastCommitLsn is null ? "null" : "\"" + _lastCommitLsn + "\"";
        var sequence = "[" + last + ",\"" + position.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"]";
        return Source(table, commitTs, "false", position, txId, sequence);
    }

    /// <summary>
    /// An incremental-snapshot read. Debezium leaves <c>txId</c>, <c>lsn</c> and <c>xmin</c> unset on these records
    /// (PostgresSourceInfoStructMaker.struct skips them when the snapshot record is INCREMENTAL) and keeps the stream
    /// position in <c>sequence</c>: here the close watermark's.
    /// </summary>
    private CapturedChange IncrementalRead(CapturedTable table, GenericRecord row, DateTime readAt, GenericRecord closeWatermarkSource)
    {
        var source = Source(table, readAt, "incremental", null, null, closeWatermarkSource["sequence"] as string);
        return new CapturedChange(table, table.Key(row), Envelope(table, null, row, source, "r"), false);
    }

    private GenericRecord Source(CapturedTable table, DateTime at, string snapshot, long? lsn, long? txId, string? sequence)
    {
        var micros = (at.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) / 10;
        return new GenericRecord(table.Source)
        {
            ["version"] = CaptureSettings.EmulatedDebeziumVersion,
            ["connector"] = "postgresql",
            ["name"] = _options.Settings.TopicPrefix,
            ["ts_ms"] = micros / 1000,
            ["snapshot"] = snapshot,
            ["db"] = _database,
            ["sequence"] = sequence,
            ["ts_us"] = micros,
            ["ts_ns"] = micros * 1000,
            ["schema"] = table.Table.Schema,
            ["table"] = table.Table.Name,
            ["txId"] = txId,
            ["lsn"] = lsn,
            ["xmin"] = null,
        };
    }

    private static async Task<GenericRecord> RowAsync(CapturedTable table, ReplicationTuple tuple, CancellationToken ct)
    {
        var texts = new string?[table.Table.Columns.Count];
        var toast = new bool[texts.Length];
        var i = 0;
        await foreach (var value in tuple.WithCancellation(ct))
        {
            if (i < texts.Length)
            {
                toast[i] = value.IsUnchangedToastedValue;
                texts[i] = value.IsDBNull || value.IsUnchangedToastedValue ? null : await value.Get<string>(ct);
            }

            i++;
        }

        return table.Row(texts, c => toast[c]);
    }

    private CapturedTable? Table(RelationMessage relation) => _byRelation.GetValueOrDefault(relation.RelationId);

    /// <summary>A relation message precedes a table's first change and follows every DDL: (re)load its description.</summary>
    private async Task OnRelationAsync(NpgsqlConnection catalog, RelationMessage relation, CancellationToken ct)
    {
        var name = $"{relation.Namespace}.{relation.RelationName}";
        if (!_captured.Contains(name))
        {
            return;
        }

        var known = _byName.GetValueOrDefault(name);
        var columns = relation.Columns.Select(c => c.ColumnName).ToList();
        if (known is null || !known.Table.Columns.Select(c => c.Name).SequenceEqual(columns))
        {
            known = await LoadTableAsync(catalog, relation.Namespace, relation.RelationName, ct);
            LogSchema(_logger, name, columns.Count);
        }

        _byRelation[relation.RelationId] = known;
    }

    /// <summary>A captured table by <c>schema.table</c>, described now if streaming has not met it yet.</summary>
    private async Task<CapturedTable?> TableAsync(NpgsqlConnection catalog, string name, CancellationToken ct)
    {
        if (!_captured.Contains(name))
        {
            return null;
        }

        if (_byName.TryGetValue(name, out var known))
        {
            return known;
        }

        var (schema, table) = Split(name);
        return await LoadTableAsync(catalog, schema, table, ct);
    }

    private async Task<CapturedTable> LoadTableAsync(NpgsqlConnection connection, string schema, string table, CancellationToken ct)
    {
        var captured = new CapturedTable(await PgCatalog.ReadTableAsync(connection, schema, table, ct), _options.Settings, _options.Registry);
        await captured.RegisterAsync(); // an incompatible new schema stops capture here, before anything is produced
        _byName[$"{schema}.{table}"] = captured;
        return captured;
    }

    /// <summary>
    /// Every heartbeat interval: a record on <c>__debezium-heartbeat.&lt;prefix&gt;</c>, the action query (an upsert into
    /// a captured table, so even a quiet Odoo produces WAL the slot can confirm), and the confirmable LSN handed to the
    /// connection's periodic feedback.
    /// </summary>
    private async Task HeartbeatLoopAsync(LogicalReplicationConnection replication, CancellationToken ct)
    {
        var settings = _options.Settings;
        var keySchema = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"ServerNameKey","namespace":"io.debezium.connector.common","fields":[{"name":"serverName","type":"string"}],"connect.version":1,"connect.name":"io.debezium.connector.common.ServerNameKey"}""");
        var valueSchema = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"Heartbeat","namespace":"io.debezium.connector.common","fields":[{"name":"ts_ms","type":"long"}],"connect.version":1,"connect.name":"io.debezium.connector.common.Heartbeat"}""");
        var keySerializer = new AvroSerializer(_options.Registry, keySchema);
        var valueSerializer = new AvroSerializer(_options.Registry, valueSchema);
        using var timer = new PeriodicTimer(settings.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    var key = await keySerializer.SerializeAsync(new GenericRecord(keySchema) { ["serverName"] = settings.TopicPrefix },
                        new SerializationContext(MessageComponentType.Key, settings.HeartbeatTopic));
                    var value = await valueSerializer.SerializeAsync(new GenericRecord(valueSchema) { ["ts_ms"] = _options.Time.GetUtcNow().ToUnixTimeMilliseconds() },
                        new SerializationContext(MessageComponentType.Value, settings.HeartbeatTopic));
                    await _producer.ProduceAsync(settings.HeartbeatTopic, new Message<byte[]?, byte[]?> { Key = key, Value = value }, ct);
                    if (settings.HeartbeatActionQuery is { } query)
                    {
                        await using var connection = new NpgsqlConnection(_options.ConnectionString);
                        await connection.OpenAsync(ct);
                        await using var command = new NpgsqlCommand(query, connection);
                        await command.ExecuteNonQueryAsync(ct);
                    }

                    replication.SetReplicationStatus(_acks.Confirmable);
                }
                catch (Exception e) when (e is NpgsqlException or KafkaException or SchemaRegistryException)
                {
                    LogHeartbeatFailed(_logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // capture is stopping
        }
    }

    private static async Task<bool> SlotExistsAsync(NpgsqlConnection connection, string slot, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", connection) { Parameters = { new() { Value = slot } } };
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    private static (string Schema, string Table) Split(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? (name[..dot], name[(dot + 1)..]) : ("public", name);
    }

    [LoggerMessage(1, LogLevel.Information, "Snapshot: {Records} rows of {Tables} tables, streaming from {Lsn}")]
    private static partial void LogSnapshot(ILogger logger, int records, int tables, string lsn);

    [LoggerMessage(2, LogLevel.Information, "Table {Table} described with {Columns} columns")]
    private static partial void LogSchema(ILogger logger, string table, int columns);

    [LoggerMessage(3, LogLevel.Warning, "Heartbeat failed: {Reason}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Error, "Capture stops: {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, string reason);
}
