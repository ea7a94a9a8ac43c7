using System.Diagnostics;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Registry;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CdcBridge.Projections;

/// <summary>
/// The one receive loop of a projector: polls a batch, decodes it (Avro via the registry), lets the projector apply it
/// and advances the stored positions in the same PostgreSQL transaction (guarded against a stale writer and against
/// one of an older epoch). Kafka's own committed offsets are informative only; on assignment the consumer seeks to the
/// stored positions. Partitions are shared out in a consumer group, or, for a projector whose state
/// <see cref="IProjector.SpansPartitions"/>, all assigned to this runner (no group join to wait for; new partitions are
/// looked for every <see cref="ProjectionOptions.PartitionRefreshInterval"/>). A failed batch is rolled back, the
/// projector reloads its state and the batch is retried after a jittered backoff. A record that cannot be decoded or
/// applied is parked with its reason and its partition moves on. While far behind, batches grow to
/// <see cref="ProjectionOptions.CatchUpBatchSize"/>.
/// </summary>
public sealed partial class ProjectionRunner : IAsyncDisposable
{
    private readonly IProjector _projector;
    private readonly ProjectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly AvroDeserializer _deserializer;
    private readonly Dictionary<(string Topic, int Partition), long> _stored = [];

    // Per assigned partition, the end it had when the runner first learnt it, and those read that far (see
    // ProjectionBatch.CaughtUpToStart). Only the receive loop's thread touches them (Revoked runs inside Consume).
    private readonly Dictionary<(string Topic, int Partition), long> _startEnds = [];
    private readonly HashSet<(string Topic, int Partition)> _readToStart = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private IConsumer<byte[]?, byte[]?>? _consumer;
    private Task _loop = Task.CompletedTask;
    private TaskCompletionSource _committed = NewSignal();
    private long _events;
    private long _batches;
    private long _parked;
    private double _lastBatchMs;
    private DateTimeOffset? _lastCommitAt;
    private int _failures;
    private string? _lastError;
    private bool _halted;
    private bool _settlePending;
    private int _disposed;

    public ProjectionRunner(IProjector projector, ProjectionOptions options, ISchemaRegistryClient registry, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(projector);
        ArgumentNullException.ThrowIfNull(options);
        _projector = projector;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _deserializer = new AvroDeserializer(registry);
    }

    public string Name => _projector.Name;

    /// <summary>
    /// Tests only: wraps the consumer, to show the runner what the embedded broker cannot write (transaction markers).
    /// </summary>
    internal Func<IConsumer<byte[]?, byte[]?>, IConsumer<byte[]?, byte[]?>>? ConsumerSeam { get; init; }

    /// <summary>Completes when the loop ends: normally after <see cref="StopAsync"/>; faulted if it could not run at all.</summary>
    public Task Completion => _loop;

    public async Task StartAsync(CancellationToken ct = default)
    {
        await using (var connection = new NpgsqlConnection(_options.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await ProjectionStore.EnsureSchemaAsync(connection, ct);
            await _projector.EnsureSchemaAsync(connection, ct);
            var epoch = await ProjectionStore.ReadEpochAsync(connection, _projector.Name, ct);
            if (epoch != _options.Epoch)
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await _projector.ResetAsync(connection, tx, ct);
                await ProjectionStore.ResetAsync(connection, tx, _projector.Name, _options.Epoch, ct);
                await tx.CommitAsync(ct);
                LogRebuild(_logger, _projector.Name, epoch ?? "(none)", _options.Epoch);
            }

            await _projector.LoadAsync(connection, ct);
            _parked = await ProjectionStore.CountParkedAsync(connection, _projector.Name, ct);
        }

        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = _options.KafkaBootstrap,
            GroupId = $"{_options.GroupPrefix}.{_projector.Name}",
            EnableAutoCommit = true, // commits what StoreOffset stored: informative for lag tools; the truth is in PostgreSQL
            EnableAutoOffsetStore = false,
            // Every partition starts at an explicit stored position. One outside the log (retention removed records never
            // applied, or the topic was recreated) must stop the projection, never silently skip or re-read.
            AutoOffsetReset = AutoOffsetReset.Error,
            FetchWaitMaxMs = (int)_options.FetchWaitMax.TotalMilliseconds,
            TopicMetadataRefreshIntervalMs = 5_000,
        })
            .SetPartitionsAssignedHandler((_, partitions) => Assigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => Revoked(partitions))
            .SetErrorHandler((_, error) => LogKafkaError(_logger, _projector.Name, error.Code.ToString(), error.Reason))
            .Build();
        _consumer = ConsumerSeam?.Invoke(_consumer) ?? _consumer;
        if (!_projector.SpansPartitions)
        {
            _consumer.Subscribe(_projector.Topics);
        }

        ProjectionMetrics.RegisterLag(_projector.Name, Lag);
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    public ProjectionStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new ProjectionStatus(_projector.Name, _events, _batches, _parked, Lag(), _lastBatchMs, _lastCommitAt, _failures, _lastError) { Halted = _halted };
            }
        }
    }

    /// <summary>The stored next offset of every assigned partition, as last committed.</summary>
    public IReadOnlyDictionary<(string Topic, int Partition), long> Positions
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<(string, int), long>(_stored);
            }
        }
    }

    /// <summary>The last batch was not caught up to the start; a batch without records follows once it is.</summary>
    private bool SettlePending
    {
        get
        {
            lock (_gate)
            {
                return _settlePending;
            }
        }
    }

    /// <summary>Completes after the next batch commits (or when the loop ends).</summary>
    public Task NextCommit
    {
        get
        {
            lock (_gate)
            {
                return _committed.Task;
            }
        }
    }

    /// <summary>
    /// Waits until every partition of the projector's topics has been applied up to its current end (high watermark
    /// read from the broker now). For tests and the bench: a condition, not a sleep.
    /// </summary>
    public async Task WaitForCaughtUpAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var targets = EndOffsets();
        while (true)
        {
            var next = NextCommit;
            var positions = Positions;
            if (Status.Halted)
            {
                await _loop;
                throw new InvalidOperationException($"Projector '{Name}' halted before catching up. {Status.LastError}".TrimEnd());
            }

            if (targets.All(t => t.Value == 0 || (positions.TryGetValue(t.Key, out var p) && p >= t.Value)) && !SettlePending)
            {
                return;
            }

            if (_loop.IsCompleted)
            {
                await _loop;
                throw new InvalidOperationException($"Projector '{Name}' stopped before catching up. {Status.LastError}".TrimEnd());
            }

            try
            {
                await next.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                var settling = SettlePending ? "; the last batch was not caught up to the start" : "";
                throw new TimeoutException(
                    $"Projector '{Name}' did not catch up within {timeout} (positions {string.Join(", ", positions.Select(p => $"{p.Key.Topic}[{p.Key.Partition}]={p.Value}"))}{settling}).");
            }
        }
    }

    private Dictionary<(string, int), long> EndOffsets()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _options.KafkaBootstrap }).Build();
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = _options.KafkaBootstrap, GroupId = "cdcbridge.probe" }).Build();
        var result = new Dictionary<(string, int), long>();
        foreach (var name in _projector.Topics)
        {
            var topic = admin.GetMetadata(name, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == name);
            if (topic is null || topic.Error.IsError)
            {
                continue; // a topic nobody has written yet has nothing to catch up on
            }

            foreach (var partition in topic.Partitions)
            {
                var w = probe.QueryWatermarkOffsets(new TopicPartition(name, partition.PartitionId), TimeSpan.FromSeconds(10));
                result[(name, partition.PartitionId)] = w.High.Value;
            }
        }

        return result;
    }

    /// <summary>Stops polling, lets the batch in flight commit (bounded by the drain timeout) and closes the consumer.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop.WaitAsync(_options.DrainTimeout);
        }
        catch (TimeoutException)
        {
            LogDrainTimeout(_logger, _projector.Name, _options.DrainTimeout);
            await _abort.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync();
        ProjectionMetrics.UnregisterLag(_projector.Name);
        var consumer = _consumer;
        _consumer = null; // Status keeps answering (lag 0) once the consumer is gone
        consumer?.Dispose();
        _stop.Dispose();
        _abort.Dispose();
    }

    private async Task RunAsync()
    {
        var consumer = _consumer!;
        long? lookedForPartitions = null;
        ConsumeException? pollFailure = null;

        // The next batch, polled and being decoded on another thread while the one before it is applied.
        (List<ConsumeResult<byte[]?, byte[]?>> Polled, Task<List<Decoded>> Decoding)? ahead = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (_projector.SpansPartitions
                    && (lookedForPartitions is not { } looked || _time.GetElapsedTime(looked) >= _options.PartitionRefreshInterval))
                {
                    // Between batches: everything applied is stored; re-assigned at the stored positions, the consumer
                    // fetches what was polled ahead again.
                    if (AssignPartitions(consumer) && ahead is { } dropped)
                    {
                        Observe(dropped.Decoding);
                        ahead = null;
                    }

                    lookedForPartitions = _time.GetTimestamp();
                }

                List<ConsumeResult<byte[]?, byte[]?>> polled;
                Task<List<Decoded>>? decoding = null;
                try
                {
                    if (pollFailure is { } failure)
                    {
                        pollFailure = null;
                        throw failure; // met while polling ahead, after the batch before it
                    }

                    if (ahead is { } next)
                    {
                        (polled, decoding) = next;
                        ahead = null;
                    }
                    else
                    {
                        polled = Poll(consumer, BatchSize(Lag()), _options.PollTimeout, ref pollFailure);
                    }
                }
                catch (ConsumeException ex) when (ex.Error.Code == ErrorCode.Local_AutoOffsetReset)
                {
                    var message = $"Stored position {ex.ConsumerRecord?.TopicPartitionOffset} is outside the topic's log ({ex.Error.Reason}): "
                        + "records this projection never applied are gone, or the topic was recreated. The projection stops; rebuild it "
                        + "(a new epoch) from topics that hold a complete snapshot.";
                    lock (_gate)
                    {
                        _lastError = message;
                        _halted = true;
                    }

                    LogHalted(_logger, _projector.Name, message);
                    break;
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    LogKafkaError(_logger, _projector.Name, ex.Error.Code.ToString(), ex.Error.Reason);
                    continue;
                }

                if (polled.Count == 0)
                {
                    // Idle after a batch that was not caught up to the start: once it is (the consumer moved past a
                    // transaction marker at a partition's end, or an end not known then is known), a batch without records
                    // lets the projector settle.
                    if (ahead is null && SettlePending && Progress(consumer, Positions, NoPartitions).CaughtUpToStart
                        && !await ApplyWithRetryAsync(consumer, [], null, settle: true))
                    {
                        break;
                    }

                    continue;
                }

                // Far enough behind that the next batch is full whenever it is polled: it is polled now (no waiting) and
                // decoded while this one is applied. Nearer the end it is polled after, so that it takes in what came meanwhile.
                var behind = Lag() - polled.Count;
                if (behind >= BatchSize(behind))
                {
                    try
                    {
                        var following = Poll(consumer, BatchSize(behind), TimeSpan.Zero, ref pollFailure);
                        if (following.Count > 0)
                        {
                            ahead = (following, Task.Run(() => DecodeAsync(following)));
                        }
                    }
                    catch (ConsumeException ex)
                    {
                        pollFailure ??= ex;
                    }
                }

                if (!await ApplyWithRetryAsync(consumer, polled, decoding, unapplied: PartitionsOf(ahead?.Polled)))
                {
                    break;
                }
            }
        }
        finally
        {
            if (ahead is { } unused)
            {
                Observe(unused.Decoding);
            }

            try
            {
                consumer.Close();
            }
            catch (KafkaException ex)
            {
                LogKafkaError(_logger, _projector.Name, ex.Error.Code.ToString(), ex.Error.Reason);
            }

            lock (_gate)
            {
                _committed.TrySetResult();
            }
        }
    }

    /// <summary>
    /// With at least <see cref="ProjectionOptions.CatchUpBatchSize"/> records <paramref name="behind"/>, batches of that
    /// size; otherwise <see cref="ProjectionOptions.MaxBatchSize"/>.
    /// </summary>
    private int BatchSize(long behind) =>
        behind >= _options.CatchUpBatchSize ? Math.Max(_options.CatchUpBatchSize, _options.MaxBatchSize) : _options.MaxBatchSize;

    /// <summary>A decode nobody will wait for: its failure (the records are polled and decoded again) is only observed.</summary>
    private static void Observe(Task task) =>
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>
    /// Up to <paramref name="size"/> records, waiting up to <paramref name="wait"/> for the first. An error met after some
    /// records were polled is kept in <paramref name="failure"/> (for the next poll to raise) and those records returned:
    /// the consumer has moved past them, so they must be applied.
    /// </summary>
    private static List<ConsumeResult<byte[]?, byte[]?>> Poll(IConsumer<byte[]?, byte[]?> consumer, int size, TimeSpan wait, ref ConsumeException? failure)
    {
        var polled = new List<ConsumeResult<byte[]?, byte[]?>>();
        var first = consumer.Consume(wait);
        if (first is null || first.IsPartitionEOF)
        {
            return polled;
        }

        polled.Add(first);
        while (polled.Count < size)
        {
            ConsumeResult<byte[]?, byte[]?>? next;
            try
            {
                next = consumer.Consume(TimeSpan.Zero);
            }
            catch (ConsumeException ex)
            {
                failure ??= ex;
                break;
            }

            if (next is null)
            {
                break;
            }

            if (!next.IsPartitionEOF)
            {
                polled.Add(next);
            }
        }

        return polled;
    }

    /// <summary>
    /// Applies the batch (decoded by <paramref name="decoding"/> if it was decoded ahead), retrying until it is applied;
    /// false when the projection must halt (rebuilt by another instance).
    /// </summary>
    /// <remarks>
    /// <paramref name="unapplied"/>: partitions with records polled after these (ahead), so not applied by this batch.
    /// <paramref name="settle"/>: a batch without records, applied once the runner caught up to the start while idle.
    /// </remarks>
    private async Task<bool> ApplyWithRetryAsync(IConsumer<byte[]?, byte[]?> consumer, List<ConsumeResult<byte[]?, byte[]?>> polled,
        Task<List<Decoded>>? decoding, IReadOnlySet<(string Topic, int Partition)>? unapplied = null, bool settle = false)
    {
        List<Decoded>? decoded = null;
        lock (_gate)
        {
            // Below the stored position: another writer applied these already.
            polled = polled.Where(p => !_stored.TryGetValue((p.Topic, p.Partition.Value), out var next) || p.Offset.Value >= next).ToList();
        }

        if (polled.Count == 0 && !settle)
        {
            if (decoding is not null)
            {
                Observe(decoding);
            }

            return true;
        }

        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (decoded is null)
                {
                    // Decoded ahead: only the records still to apply; a failed decode (registry unreachable) is retried here.
                    var offsets = polled.Select(p => (p.Topic, p.Partition.Value, p.Offset.Value)).ToHashSet();
                    var all = await (decoding ?? DecodeAsync(polled));
                    decoding = null;
                    decoded = all.Count == polled.Count ? all : all.Where(d => offsets.Contains((d.Result.Topic, d.Result.Partition.Value, d.Result.Offset.Value))).ToList();
                }

                var applied = await ApplyAsync(decoded, unapplied ?? NoPartitions, _abort.Token);
                var elapsed = Stopwatch.GetElapsedTime(started);
                foreach (var last in polled.GroupBy(r => r.TopicPartition).Select(g => g.Last()))
                {
                    consumer.StoreOffset(new TopicPartitionOffset(last.TopicPartition, last.Offset + 1));
                }

                var tag = new KeyValuePair<string, object?>("projector", _projector.Name);
                ProjectionMetrics.EventsCounter.Add(polled.Count, tag);
                ProjectionMetrics.BatchDurationHistogram.Record(elapsed.TotalSeconds, tag);
                if (applied.Parked.Count > 0)
                {
                    ProjectionMetrics.ParkedCounter.Add(applied.Parked.Count, tag);
                }

                TaskCompletionSource signal;
                lock (_gate)
                {
                    _events += polled.Count;
                    _batches++;
                    _parked += applied.Parked.Count;
                    _lastBatchMs = elapsed.TotalMilliseconds;
                    _lastCommitAt = _time.GetUtcNow();
                    _failures = 0;
                    signal = _committed;
                    _committed = NewSignal();
                }

                _projector.Committed(applied);
                signal.TrySetResult();
                return true;
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                throw;
            }
            catch (StaleProjectionWriterException ex) when (ex.Rebuilt)
            {
                // Retrying would reload the new generation's state and write into it with this one's records and code.
                var message = $"{ex.Message} This instance stops; start it with the new epoch.";
                lock (_gate)
                {
                    _lastError = message;
                    _halted = true;
                }

                LogHalted(_logger, _projector.Name, message);
                return false;
            }
#pragma warning disable CA1031 // the loop must survive any batch failure: it reloads, seeks back and retries
            catch (Exception ex)
#pragma warning restore CA1031
            {
                decoding = null;
                int failures;
                lock (_gate)
                {
                    failures = ++_failures;
                    _lastError = ex.Message;
                }

                ProjectionMetrics.FailureCounter.Add(1, new KeyValuePair<string, object?>("projector", _projector.Name));
                var delay = Backoff(failures);
                LogBatchFailed(_logger, ex, _projector.Name, polled.Count, failures, delay);
                try
                {
                    await Task.Delay(delay, _time, _abort.Token);
                    await using var connection = new NpgsqlConnection(_options.ConnectionString);
                    await connection.OpenAsync(_abort.Token);
                    await _projector.LoadAsync(connection, _abort.Token);
                }
                catch (OperationCanceledException)
                {
                    throw;
                }
#pragma warning disable CA1031
                catch (Exception reloadFailure)
#pragma warning restore CA1031
                {
                    LogBatchFailed(_logger, reloadFailure, _projector.Name, polled.Count, failures, delay);
                    continue;
                }

                // Another writer may have moved on: drop the records it already applied.
                polled = Reread(polled);
                decoded = decoded?.Where(d => d.Result.Offset.Value >= StoredOf(d.Result)).ToList();
                if (polled.Count == 0)
                {
                    lock (_gate)
                    {
                        _failures = 0; // resolved: another writer had applied them
                    }

                    return true;
                }
            }
        }
    }

    /// <summary>After a stale-writer failure the stored positions are re-read; records below them are not applied again.</summary>
    private List<ConsumeResult<byte[]?, byte[]?>> Reread(List<ConsumeResult<byte[]?, byte[]?>> polled)
    {
        var stored = ProjectionStore.ClaimPartitions(_options.ConnectionString, _projector.Name, polled.Select(p => (p.Topic, p.Partition.Value)).Distinct());
        lock (_gate)
        {
            foreach (var (key, value) in stored)
            {
                _stored[key] = value;
            }
        }

        return polled.Where(p => p.Offset.Value >= stored[(p.Topic, p.Partition.Value)]).ToList();
    }

    private long StoredOf(ConsumeResult<byte[]?, byte[]?> result)
    {
        lock (_gate)
        {
            return _stored.GetValueOrDefault((result.Topic, result.Partition.Value));
        }
    }

    /// <summary>Decodes keys and values (Avro via the registry); a record the registry or codec rejects for good is marked to be parked.</summary>
    private async Task<List<Decoded>> DecodeAsync(List<ConsumeResult<byte[]?, byte[]?>> polled)
    {
        var decoded = new List<Decoded>(polled.Count);
        foreach (var result in polled)
        {
            var message = result.Message;
            try
            {
                // Keys not in Confluent's wire format (plain string keys of other producers) reach the projector as bytes.
                var key = message.Key is null ? null
                    : message.Key.Length < ConfluentWireFormat.HeaderSize || message.Key[0] != ConfluentWireFormat.MagicByte ? message.Key
                    : await _deserializer.DeserializeAsync(message.Key, false, new SerializationContext(MessageComponentType.Key, result.Topic));
                var value = message.Value is null ? null : await _deserializer.DeserializeAsync(message.Value, false, new SerializationContext(MessageComponentType.Value, result.Topic));
                decoded.Add(new Decoded(result, new ConsumedRecord(result.Topic, result.Partition.Value, result.Offset.Value, message.Timestamp.UtcDateTime, message.Key, message.Value, key, value), null));
            }
            catch (Exception ex) when (ex is InvalidDataException or Avro.Generic.AvroTypeException or SchemaRegistryException or FormatException)
            {
                // Set aside, never block the partition.
                decoded.Add(new Decoded(result,
                    new ConsumedRecord(result.Topic, result.Partition.Value, result.Offset.Value, message.Timestamp.UtcDateTime, message.Key, message.Value, null, null),
                    $"Undecodable record: {ex.Message}"));
            }
        }

        return decoded;
    }

    private async Task<ProjectionBatch> ApplyAsync(List<Decoded> decoded, IReadOnlySet<(string Topic, int Partition)> unapplied, CancellationToken ct)
    {
        var records = decoded.Where(d => d.Undecodable is null).Select(d => d.Record).ToList();
        var undecodable = decoded.Where(d => d.Undecodable is not null).Select(d => new ParkedRecord(d.Record, d.Undecodable!)).ToList();
        var (moves, after) = Moves(decoded);
        await using var connection = new NpgsqlConnection(_options.ConnectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (remaining, caughtUpToStart) = _consumer is { } consumer ? Progress(consumer, after, unapplied) : (0, true);
        var batch = new ProjectionBatch(records, connection, tx) { Remaining = remaining, CaughtUpToStart = caughtUpToStart };
        foreach (var parked in undecodable)
        {
            batch.Park(parked.Record, parked.Reason);
        }

        await _projector.ApplyAsync(batch, ct);
        await ProjectionStore.ParkAsync(connection, tx, _projector.Name, batch.Parked, ct);
        await ProjectionStore.AdvanceAsync(connection, tx, _projector.Name, _options.Epoch, moves, ct);
        await tx.CommitAsync(ct);
        foreach (var parked in batch.Parked)
        {
            LogParked(_logger, _projector.Name, parked.Record.Topic, parked.Record.Partition, parked.Record.Offset, parked.Reason);
        }

        lock (_gate)
        {
            foreach (var (topic, partition, _, next) in moves)
            {
                _stored[(topic, partition)] = next;
            }

            _settlePending = !caughtUpToStart;
        }

        return batch;
    }

    /// <summary>
    /// The positions a batch of <paramref name="decoded"/> records moves (topic, partition, expected, next) and every
    /// assigned partition's position after it. A batch without records (settling) is guarded by every position unchanged.
    /// </summary>
    private (List<(string Topic, int Partition, long Expected, long Next)> Moves, List<KeyValuePair<(string Topic, int Partition), long>> After) Moves(
        List<Decoded> decoded)
    {
        lock (_gate)
        {
            var moves = decoded.GroupBy(d => (d.Result.Topic, d.Result.Partition.Value))
                .Select(g => (g.Key.Topic, g.Key.Value, _stored.GetValueOrDefault(g.Key), g.Last().Result.Offset.Value + 1))
                .ToList();
            if (moves.Count == 0)
            {
                moves.AddRange(_stored.Select(p => (p.Key.Topic, p.Key.Partition, p.Value, p.Value)));
            }

            var after = new Dictionary<(string Topic, int Partition), long>(_stored);
            foreach (var (topic, partition, _, next) in moves)
            {
                after[(topic, partition)] = next;
            }

            return (moves, [.. after]);
        }
    }

    /// <summary>
    /// For a projector that spans partitions: every partition of its topics, assigned at its stored position. Partitions
    /// not seen before (all at the first call; later a topic created or grown) are claimed in the database; the others
    /// resume where this runner stored them, so calling it between batches loses and repeats nothing. True when it
    /// assigned anew.
    /// </summary>
    private bool AssignPartitions(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            List<(string Topic, int Partition)> found;
            using (var admin = new DependentAdminClientBuilder(consumer.Handle).Build())
            {
                // Every topic's metadata: asking for one by name would have a broker that auto-creates topics create it.
                // A topic not created yet is looked for again at the next interval.
                var topics = _projector.Topics.ToHashSet(StringComparer.Ordinal);
                found = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics
                    .Where(t => topics.Contains(t.Topic) && !t.Error.IsError)
                    .SelectMany(t => t.Partitions.Select(p => (t.Topic, p.PartitionId)))
                    .ToList();
            }

            var assigned = consumer.Assignment.Select(p => (p.Topic, p.Partition.Value)).ToHashSet();
            var fresh = found.Where(p => !assigned.Contains(p)).ToList();
            if (fresh.Count == 0)
            {
                return false;
            }

            var claimed = ProjectionStore.ClaimPartitions(_options.ConnectionString, _projector.Name, fresh);
            List<TopicPartitionOffset> assignment;
            lock (_gate)
            {
                foreach (var (key, value) in claimed)
                {
                    _stored[key] = value;
                }

                assignment = assigned.Concat(fresh).Select(p => new TopicPartitionOffset(p.Item1, p.Item2, new Offset(_stored[p]))).ToList();
            }

            consumer.Assign(assignment);
            LogAssigned(_logger, _projector.Name, assignment.Count);
            return true;
        }
        catch (Exception ex) when (ex is KafkaException or NpgsqlException)
        {
            LogKafkaError(_logger, _projector.Name, "AssignPartitions", ex.Message); // looked for again at the next interval
            return false;
        }
    }

    private List<TopicPartitionOffset> Assigned(List<TopicPartition> partitions)
    {
        var stored = ProjectionStore.ClaimPartitions(_options.ConnectionString, _projector.Name, partitions.Select(p => (p.Topic, p.Partition.Value)));
        lock (_gate)
        {
            foreach (var (key, value) in stored)
            {
                _stored[key] = value;
            }
        }

        LogAssigned(_logger, _projector.Name, partitions.Count);
        return partitions.Select(p => new TopicPartitionOffset(p, new Offset(stored[(p.Topic, p.Partition.Value)]))).ToList();
    }

    private void Revoked(List<TopicPartitionOffset> partitions)
    {
        lock (_gate)
        {
            foreach (var p in partitions)
            {
                _stored.Remove((p.Topic, p.Partition.Value));
                _startEnds.Remove((p.Topic, p.Partition.Value));
                _readToStart.Remove((p.Topic, p.Partition.Value));
            }
        }
    }

    private long Lag()
    {
        var consumer = _consumer;
        if (consumer is null)
        {
            return 0;
        }

        List<KeyValuePair<(string Topic, int Partition), long>> positions;
        lock (_gate)
        {
            positions = _stored.ToList();
        }

        return Behind(consumer, positions);
    }

    /// <summary>Records between the given next offsets and the consumer's cached high watermarks; a partition not fetched yet counts 0.</summary>
    private static long Behind(IConsumer<byte[]?, byte[]?> consumer, IEnumerable<KeyValuePair<(string Topic, int Partition), long>> positions)
    {
        long lag = 0;
        foreach (var (key, next) in positions)
        {
            try
            {
                var high = consumer.GetWatermarkOffsets(new TopicPartition(key.Topic, key.Partition)).High;
                if (high != Offset.Unset)
                {
                    lag += Math.Max(0, high.Value - next);
                }
            }
            catch (Exception ex) when (ex is KafkaException or ObjectDisposedException)
            {
                // not known yet, or the runner is being disposed
            }
        }

        return lag;
    }

    // A batch's Remaining counts a partition whose end neither the fetches nor the broker could tell (a slow broker at
    // start-up) as far behind: a projector deciding from it would otherwise take "0 behind" and write values of a
    // partly read log. Fetch responses carry every partition's end, so this lasts only until the first one.
    private const long UnknownEnd = 1_000_000_000;

    /// <summary>
    /// What a batch is told (<see cref="ProjectionBatch.Remaining"/>, <see cref="ProjectionBatch.CaughtUpToStart"/>) once
    /// the partitions stand at <paramref name="positions"/>. A partition's end comes from the consumer's cached high
    /// watermark, or from the broker when none is cached.
    /// </summary>
    /// <remarks>
    /// A transaction marker (Debezium with exactly-once source support ends every transaction with one) takes an offset
    /// no record is delivered at, so a partition's position after its last record stays short of its end. The consumer's
    /// position moves past markers (librdkafka ≥ 1.4); with nothing of the partition polled ahead
    /// (<paramref name="unapplied"/>) it is where the applied records leave the partition. Only this reading uses it: the
    /// stored positions stay those of records.
    /// </remarks>
    private (long Remaining, bool CaughtUpToStart) Progress(IConsumer<byte[]?, byte[]?> consumer,
        IEnumerable<KeyValuePair<(string Topic, int Partition), long>> positions, IReadOnlySet<(string Topic, int Partition)> unapplied)
    {
        long remaining = 0;
        var caughtUp = true;
        foreach (var (key, next) in positions)
        {
            var partition = new TopicPartition(key.Topic, key.Partition);
            var end = EndOf(consumer, partition);
            var read = unapplied.Contains(key) ? next : Math.Max(next, PositionOf(consumer, partition));
            remaining += end is { } known ? Math.Max(0, known - read) : UnknownEnd;
            if (_readToStart.Contains(key))
            {
                continue;
            }

            if (end is { } first)
            {
                _startEnds.TryAdd(key, first);
            }

            if (_startEnds.TryGetValue(key, out var start) && read >= start)
            {
                _readToStart.Add(key);
            }
            else
            {
                caughtUp = false;
            }
        }

        return (remaining, caughtUp);
    }

    /// <summary>The partition's high watermark as last fetched, else as the broker tells it now; null when neither can.</summary>
    private static long? EndOf(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition)
    {
        try
        {
            var high = consumer.GetWatermarkOffsets(partition).High;
            if (high == Offset.Unset)
            {
                high = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(2)).High;
            }

            return high == Offset.Unset ? null : high.Value;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    private static long PositionOf(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition)
    {
        try
        {
            var position = consumer.Position(partition);
            return position == Offset.Unset ? 0 : position.Value;
        }
        catch (KafkaException)
        {
            return 0;
        }
    }

    private static readonly IReadOnlySet<(string Topic, int Partition)> NoPartitions = new HashSet<(string, int)>();

    private static IReadOnlySet<(string Topic, int Partition)> PartitionsOf(List<ConsumeResult<byte[]?, byte[]?>>? polled) =>
        polled is null ? NoPartitions : polled.Select(p => (p.Topic, p.Partition.Value)).ToHashSet();

    private TimeSpan Backoff(int failures) => RetryDelay.Jittered(failures, _options.RetryBackoff, _options.MaxRetryBackoff);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A polled record, decoded, or the reason it cannot be (it is parked).</summary>
    private sealed record Decoded(ConsumeResult<byte[]?, byte[]?> Result, ConsumedRecord Record, string? Undecodable);

    [LoggerMessage(1, LogLevel.Warning, "Projector {Projector}: epoch {Stored} differs from {Current}; state reset, rebuilding from the start of the topics")]
    private static partial void LogRebuild(ILogger logger, string projector, string stored, string current);

    [LoggerMessage(2, LogLevel.Warning, "Projector {Projector}: Kafka {Code}: {Reason}")]
    private static partial void LogKafkaError(ILogger logger, string projector, string code, string reason);

    [LoggerMessage(3, LogLevel.Error, "Projector {Projector}: batch of {Records} records failed (attempt {Failures}); rolled back, retrying in {Delay}")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string projector, int records, int failures, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Warning, "Projector {Projector}: parked {Topic}[{Partition}]@{Offset}: {Reason}")]
    private static partial void LogParked(ILogger logger, string projector, string topic, int partition, long offset, string reason);

    [LoggerMessage(5, LogLevel.Information, "Projector {Projector}: assigned {Partitions} partitions; seeking to the stored positions")]
    private static partial void LogAssigned(ILogger logger, string projector, int partitions);

    [LoggerMessage(7, LogLevel.Critical, "Projector {Projector} halted: {Reason}")]
    private static partial void LogHalted(ILogger logger, string projector, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Projector {Projector}: the batch in flight did not finish within {Timeout}; closing anyway (it will be applied again)")]
    private static partial void LogDrainTimeout(ILogger logger, string projector, TimeSpan timeout);
}
