using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Orders.Ledger;
using CdcBridge.Orders.Lifecycle;
using CdcBridge.Orders.Writer;
using CdcBridge.Projections;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CdcBridge.Orders.Dispatch;

/// <summary>
/// Takes the orders the ledger says are due and writes them into Odoo, a few at a time: create-and-confirm for new
/// ones, cancel for those Shopify cancelled after they were written. Each outcome and its lifecycle stage commit in one
/// transaction. Transient failures come back after a jittered, growing delay; permanent ones are parked with the
/// reason for an operator. One dispatcher per sidecar database (a session advisory lock makes a second one wait), and
/// since the writer is idempotent in Odoo, a crash anywhere leads to a redo, never to a second order.
/// </summary>
public sealed partial class OdooOrderDispatcher : IAsyncDisposable
{
    private const long SingleWriterLock = 727274011;

    private readonly string _connectionString;
    private readonly IChannelOrderWriter _writer;
    private readonly OrderLifecycleJournal _journal;
    private readonly AvroDeserializer _deserializer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly OdooOrderDispatcherOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task> _inHand = new(StringComparer.Ordinal);
    private TaskCompletionSource _wake = NewSignal();
    private Task _loop = Task.CompletedTask;
    private long _written;
    private long _cancelled;
    private long _parked;
    private long _retries;
    private string? _lastError;

    public OdooOrderDispatcher(string connectionString, IChannelOrderWriter writer, OrderLifecycleJournal journal, ISchemaRegistryClient registry,
        ILogger logger, TimeProvider? time = null, OdooOrderDispatcherOptions? options = null)
    {
        _connectionString = connectionString;
        _writer = writer;
        _journal = journal;
        _deserializer = new AvroDeserializer(registry);
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _options = options ?? new OdooOrderDispatcherOptions();
    }

    /// <summary>Orders created (or found) and confirmed in Odoo by this instance.</summary>
    public long Written => Interlocked.Read(ref _written);

    public long Cancelled => Interlocked.Read(ref _cancelled);

    public long Parked => Interlocked.Read(ref _parked);

    /// <summary>Transient failures that were scheduled for another attempt.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inHand.Count;
            }
        }
    }

    public string? LastError => Volatile.Read(ref _lastError);

    public Task Completion => _loop;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

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

        Task[] running;
        lock (_gate)
        {
            running = [.. _inHand.Values];
        }

        await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var loop = new NotificationLoop(_connectionString, $"SELECT pg_advisory_lock({SingleWriterLock}); LISTEN {ChannelOrderLedger.Notification}")
        {
            Time = _time,
            Failed = (ex, failures, delay) => LogLoopFailed(_logger, ex, failures, delay),
        };
        await loop.RunAsync(async (listener, succeeded, token) =>
        {
            succeeded(); // holding the single-writer lock and listening
            var listening = ListenAsync(listener, token);
            try
            {
                await DispatchAsync(token);
            }
            finally
            {
                await listening.ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }, ct);
    }

    private async Task ListenAsync(NpgsqlConnection listener, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await listener.WaitAsync(ct);
                Wake();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException)
        {
            Wake(); // the dispatch loop notices a broken listener through its own connection errors or the idle wake
        }
    }

    private async Task DispatchAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var signal = NextWakeAsync();
            int free;
            string[] inHand;
            lock (_gate)
            {
                free = _options.MaxConcurrentOrders - _inHand.Count;
                inHand = [.. _inHand.Keys];
            }

            TimeSpan wait = _options.IdleWake;
            if (free > 0)
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(ct);
                var now = _time.GetUtcNow().UtcDateTime;
                var due = await ChannelOrderLedger.DueAsync(connection, now, free, inHand, ct);
                foreach (var entry in due)
                {
                    lock (_gate)
                    {
                        _inHand[entry.Key] = ProcessAsync(entry, ct);
                    }
                }

                if (due.Count < free && await ChannelOrderLedger.NextDueAsync(connection, ct) is { } next && next > now)
                {
                    wait = TimeSpan.FromTicks(Math.Min(wait.Ticks, (next - now).Ticks));
                }
                else if (due.Count == free && due.Count > 0)
                {
                    continue; // maybe more are due: look again once a slot frees up or at once if free
                }
            }

            await Task.WhenAny(signal, Task.Delay(wait, _time, ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    private async Task ProcessAsync(LedgerEntry entry, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            await WriteAsync(entry, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the order stays due and is taken up again by the next start.
        }
        catch (Exception ex) when (ex is NpgsqlException)
        {
            // The ledger could not record the outcome: the order stays due and is redone (idempotently) later.
            Volatile.Write(ref _lastError, ex.Message);
            LogLedgerFailed(_logger, ex, entry.Name);
        }
        finally
        {
            lock (_gate)
            {
                _inHand.Remove(entry.Key);
            }

            Wake();
        }
    }

    private async Task WriteAsync(LedgerEntry entry, CancellationToken ct)
    {
        var attempts = entry.Attempts + 1;
        IntakeOrder order;
        try
        {
            var value = await _deserializer.DeserializeAsync(entry.RecordValue, false, new SerializationContext(MessageComponentType.Value, OrdersRoom.IntakeTopic));
            order = IntakeOrder.FromRecord(value as GenericRecord ?? throw new InvalidDataException("The intake record is not an Avro record."));
        }
        catch (InvalidDataException ex)
        {
            await ParkAsync(entry, attempts, $"the intake record cannot be read: {ex.Message}", ct);
            return;
        }

        try
        {
            if (entry.Status == OrderStatus.CancelPending)
            {
                var cancelled = await _writer.CancelAsync(order, ct);
                await RecordCancelledAsync(entry, attempts, cancelled, ct);
            }
            else
            {
                var outcome = await _writer.WriteAsync(order, ct);
                await RecordWrittenAsync(entry, attempts, outcome, ct);
            }
        }
        catch (OrderWriteException ex) when (ex.IsPermanent)
        {
            await ParkAsync(entry, attempts, ex.Reason, ct);
        }
        catch (Exception ex) when (ex is OrderWriteException or HttpRequestException or TimeoutException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var delay = RetryDelay(attempts);
            var error = ex is OrderWriteException w ? w.Reason : ex.Message;
            Volatile.Write(ref _lastError, error);
            Interlocked.Increment(ref _retries);
            LogRetry(_logger, entry.Name, attempts, (long)delay.TotalMilliseconds, error);
            await using var connection = await OpenAsync(ct);
            await ChannelOrderLedger.RecordRetryAsync(connection, entry.ShopDomain, entry.OrderId, attempts, _time.GetUtcNow().UtcDateTime + delay, error, ct);
        }
    }

    private async Task RecordWrittenAsync(LedgerEntry entry, int attempts, OdooOrderOutcome outcome, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var status = await ChannelOrderLedger.RecordWrittenAsync(connection, tx, entry.ShopDomain, entry.OrderId, outcome.SaleOrderId, outcome.SaleOrderName, attempts, now, ct);
        List<OrderLifecycleEvent> stages = [Stage(entry, OrderStage.Written, now, attempts, outcome)];
        if (outcome.State == "sale")
        {
            stages.Add(Stage(entry, OrderStage.Confirmed, now, attempts, outcome));
        }

        await _journal.AppendAsync(connection, tx, stages, ct);
        await tx.CommitAsync(ct);
        Interlocked.Increment(ref _written);
        LogWritten(_logger, entry.Name, outcome.SaleOrderName, outcome.Created, attempts);
        if (status == OrderStatus.CancelPending)
        {
            Wake();
        }
    }

    private async Task RecordCancelledAsync(LedgerEntry entry, int attempts, OdooOrderOutcome? outcome, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ChannelOrderLedger.RecordCancelledAsync(connection, tx, entry.ShopDomain, entry.OrderId,
            outcome is null ? OrderStatus.Skipped : OrderStatus.Cancelled, outcome?.SaleOrderId, outcome?.SaleOrderName, attempts, ct);
        await _journal.AppendAsync(connection, tx, [Stage(entry, OrderStage.Cancelled, now, attempts, outcome)], ct);
        await tx.CommitAsync(ct);
        Interlocked.Increment(ref _cancelled);
    }

    private async Task ParkAsync(LedgerEntry entry, int attempts, string reason, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var status = await ChannelOrderLedger.RecordParkedAsync(connection, tx, entry.ShopDomain, entry.OrderId, attempts, reason, now, ct);
        var stage = status == OrderStatus.Parked ? OrderStage.Parked : OrderStage.Cancelled;
        await _journal.AppendAsync(connection, tx, [Stage(entry, stage, now, attempts, null) with { ParkReason = reason }], ct);
        await tx.CommitAsync(ct);
        Interlocked.Increment(ref _parked);
        Volatile.Write(ref _lastError, reason);
        LogParked(_logger, entry.Name, reason);
    }

    private static OrderLifecycleEvent Stage(LedgerEntry entry, OrderStage stage, DateTime at, int attempts, OdooOrderOutcome? outcome) =>
        new(entry.ShopDomain, entry.OrderId, entry.Name, stage, entry.ReceivedAt, at, attempts)
        {
            ChannelCreatedAt = entry.ChannelCreatedAt,
            OdooSaleOrderId = outcome?.SaleOrderId ?? entry.OdooSaleOrderId,
            OdooSaleOrderName = outcome?.SaleOrderName ?? entry.OdooSaleOrderName,
        };

    private TimeSpan RetryDelay(int attempts)
    {
        var doubled = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 20));
        var capped = Math.Min(doubled, _options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5))); // jitter: retries of many orders spread out
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private void Wake()
    {
        lock (_gate)
        {
            _wake.TrySetResult();
        }
    }

    private Task NextWakeAsync()
    {
        lock (_gate)
        {
            if (_wake.Task.IsCompleted)
            {
                _wake = NewSignal();
            }

            return _wake.Task;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(1, LogLevel.Information, "Order {Order} is in Odoo as {SaleOrder} (created {Created}, attempt {Attempts})")]
    private static partial void LogWritten(ILogger logger, string order, string saleOrder, bool created, int attempts);

    [LoggerMessage(2, LogLevel.Warning, "Order {Order} parked: {Reason}")]
    private static partial void LogParked(ILogger logger, string order, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Order {Order}: attempt {Attempts} failed, next in {DelayMs} ms: {Error}")]
    private static partial void LogRetry(ILogger logger, string order, int attempts, long delayMs, string error);

    [LoggerMessage(4, LogLevel.Warning, "Order {Order}: the ledger could not record the outcome; it will be redone")]
    private static partial void LogLedgerFailed(ILogger logger, Exception exception, string order);

    [LoggerMessage(5, LogLevel.Warning, "Odoo order dispatcher failed (attempt {Failures}); retrying in {Delay}")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, int failures, TimeSpan delay);
}
