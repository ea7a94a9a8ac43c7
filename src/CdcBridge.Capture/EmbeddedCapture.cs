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

    /// <summary>librdkafka's <c>queue.buffering.max.messages</c>: records handed to the producer and not yet delivered.</summary>
    internal int ProducerQueueLimit { get; init; } = 100_000;

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
    private static readonly TimeSpan QueueFullPause = TimeSpan.FromMilliseconds(5);
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
    private readonly string _connectionString;

    private EmbeddedCapture(CaptureOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _captured = options.Settings.Tables.ToHashSet(StringComparer.Ordinal);
        _halt = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        _snapshotLimit = new InFlightLimit(Math.Max(1, options.SnapshotMaxInFlight));
        var connection = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        _database = connection.Database ?? "";
        // pgoutput and the snapshot's ::text print dates and timestamps in the session's DateStyle; the encoder reads
        // ISO, so every connection asks for it whatever the server's or the database's default is.
        connection.Options = string.IsNullOrWhiteSpace(connection.Options) ? "-c DateStyle=ISO" : connection.Options + " -c DateStyle=ISO";
        _connectionString = connection.ConnectionString;
        _producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = options.KafkaBootstrap,
            Partitioner = Partitioner.Murmur2Random, // what Java's producer (and so Debezium) uses for keyed records
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            QueueBufferingMaxMessages = options.ProducerQueueLimit,
            DeliveryReportFields = "none", // the capture reads only a report's error; not copying the rest back is cheaper
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
        await Task.Run(WarmUpProducer, ct);
        await using var replication = new LogicalReplicationConnection(_connectionString);
        await replication.Open(ct);
        await using var sql = new NpgsqlConnection(_connectionString);
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
        await using var catalog = new NpgsqlConnection(_connectionString);
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
                    var inserted = await table.Encoder.ReadAsync(insert.NewRow, ct);
                    transaction.Add(Change(table, null, inserted, StreamSource(commitTs, message.WalStart, txId), "c"));
                    break;
                case UpdateMessage update when Table(update.Relation) is { } table:
                    var before = update switch
                    {
                        FullUpdateMessage full => await table.Encoder.ReadAsync(full.OldRow, ct),
                        IndexUpdateMessage index => await table.Encoder.ReadAsync(index.Key, ct),
                        _ => null, // replica identity DEFAULT: no old row unless the key changed
                    };
                    var after = await table.Encoder.ReadAsync(update.NewRow, ct);
                    var source = StreamSource(commitTs, message.WalStart, txId);
                    if (before?.Key is { } oldKey && after.Key is { } newKey && !oldKey.AsSpan().SequenceEqual(newKey))
                    {
                        // A primary-key update, as Debezium emits it: delete (+ tombstone) under the old key, create under the new.
                        var toNew = KeyChangeHeader.Of(KeyChangeHeader.NewKey, table.DecodeKey(newKey));
                        var delete = Change(table, before, null, source, "d") with { Header = toNew };
                        transaction.Add(delete);
                        if (_options.Settings.TombstonesOnDelete)
                        {
                            transaction.Add(delete with { Value = null });
                        }

                        transaction.Add(Change(table, null, after, source, "c") with { Header = KeyChangeHeader.Of(KeyChangeHeader.OldKey, table.DecodeKey(oldKey)) });
                        break;
                    }

                    transaction.Add(Change(table, before, after, source, "u"));
                    break;
                case DeleteMessage delete when Table(delete.Relation) is { } table:
                    var old = delete switch
                    {
                        FullDeleteMessage full => await table.Encoder.ReadAsync(full.OldRow, ct),
                        KeyDeleteMessage key => await table.Encoder.ReadAsync(key.Key, ct),
                        _ => throw new InvalidOperationException("A delete without its old row."),
                    };
                    var deleted = Change(table, old, null, StreamSource(commitTs, message.WalStart, txId), "d");
                    transaction.Add(deleted);
                    if (_options.Settings.TombstonesOnDelete)
                    {
                        transaction.Add(deleted with { Value = null });
                    }

                    break;
                case TruncateMessage truncate when !_options.Settings.SkippedOperations.Contains('t'):
                    foreach (var relation in truncate.Relations)
                    {
                        if (Table(relation) is { } table)
                        {
                            transaction.Add(Change(table, null, null, StreamSource(commitTs, message.WalStart, txId), "t"));
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
            await ProduceAsync(record, tracked, ct);
        }
    }

    /// <summary>
    /// Hands a record to the producer. When librdkafka's local queue is full (a transaction of more rows than
    /// <c>queue.buffering.max.messages</c>, or a slow broker) it waits for deliveries to make room: back-pressure onto
    /// the WAL reader instead of an error.
    /// </summary>
    /// <param name="settled">Called once Kafka answered, whether it took the record or not.</param>
    private async ValueTask ProduceAsync(CapturedChange change, AckTracker.Entry tracked, CancellationToken ct, Action? settled = null)
    {
        while (!TryProduce(change, tracked, settled))
        {
            await Task.Delay(QueueFullPause, ct);
        }
    }

    private bool TryProduce(CapturedChange change, AckTracker.Entry tracked, Action? settled)
    {
        var message = new Message<byte[]?, byte[]?> { Key = change.Key, Value = change.Value };
        if (change.Header is { } header)
        {
            message.Headers = [new Header(header.Name, header.Value)];
        }

        var topic = change.Table.Topic;
        try
        {
            _producer.Produce(topic, message, report => Delivered(topic, report.Error, tracked, settled));
            return true;
        }
        catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
        {
            return false;
        }
    }

    private void Delivered(string topic, Error error, AckTracker.Entry tracked, Action? settled)
    {
        if (error.IsError)
        {
            // Never confirm past an undelivered record: capture stops and resumes from the confirmed LSN.
            Fail($"Kafka did not take a record for {topic}: {error.Reason} ({error.Code})");
        }
        else
        {
            Interlocked.Increment(ref _events);
            _acks.Acknowledge(tracked);
        }

        settled?.Invoke();
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

    /// <summary>
    /// Asks the brokers for the topics' metadata through the producer, before reading anything. Without it the first
    /// record of each topic waits for librdkafka's periodic leader lookup: about a second after every (re)start, with
    /// changes queueing behind it. A broker that does not answer is not an error here: delivery reports it.
    /// </summary>
    private void WarmUpProducer()
    {
        try
        {
            using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();
            _ = admin.GetMetadata(TimeSpan.FromSeconds(5));
        }
        catch (KafkaException e)
        {
            LogKafkaNotReady(_logger, e.Error.Reason);
        }
    }

    private void ThrowIfFaulted()
    {
        if (_fault is { } fault)
        {
            throw new InvalidOperationException(fault);
        }
    }

    /// <summary>A change record: its key is the row's (the old row's for a delete), its envelope stamped now.</summary>
    private CapturedChange Change(CapturedTable table, EncodedRow? before, EncodedRow? after, in SourceBlock source, string op)
    {
        var now = SourceBlock.Micros(_options.Time.GetUtcNow().UtcDateTime);
        return new CapturedChange(table, op, (after ?? before)?.Key, table.Encoder.Envelope(before, after, source, op, now));
    }

    private SourceBlock StreamSource(DateTime commitTs, NpgsqlLogSequenceNumber lsn, long txId)
    {
        var position = (long)(ulong)lsn;
        // Debezium's source.sequence: ["<last commit LSN>","<this LSN>"], JSON null before the first commit.
        var last = _lastCommitLsn is null ? "null" : "\"" + _lastCommitLsn + "\"";
        var sequence = "[" + last + ",\"" + position.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"]";
        return new SourceBlock(SourceBlock.Micros(commitTs), "false", sequence, txId, position);
    }

    /// <summary>
    /// An incremental-snapshot read. Debezium leaves <c>txId</c>, <c>lsn</c> and <c>xmin</c> unset on these records
    /// (PostgresSourceInfoStructMaker.struct skips them when the snapshot record is INCREMENTAL) and keeps the stream
    /// position in <c>sequence</c>: here the close watermark's.
    /// </summary>
    private CapturedChange IncrementalRead(CapturedTable table, EncodedRow row, DateTime readAt, string? closeWatermarkSequence) =>
        Change(table, null, row, new SourceBlock(SourceBlock.Micros(readAt), "incremental", closeWatermarkSequence, null, null), "r");

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
        var captured = new CapturedTable(await PgCatalog.ReadTableAsync(connection, schema, table, ct), _options.Settings, _options.Registry, _database);
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
                        await using var connection = new NpgsqlConnection(_connectionString);
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

    [LoggerMessage(5, LogLevel.Warning, "Kafka did not answer a metadata request at start ({Reason}); capture goes on, delivery will tell")]
    private static partial void LogKafkaNotReady(ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Error, "Capture stops: {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, string reason);
}
