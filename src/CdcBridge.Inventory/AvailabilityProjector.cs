using CdcBridge.Avro.Registry;
using CdcBridge.Channels.Outbox;
using CdcBridge.Debezium.Events;
using CdcBridge.Inventory.Odoo;
using CdcBridge.Projections;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CdcBridge.Inventory;

/// <summary>
/// The availability projection: folds Odoo's stock, product, location and sale tables (Debezium topics) and the channel
/// orders of the intake topic into <see cref="InventoryState"/>, recomputes the policy's value for every product a batch
/// touched, and for each value that changed writes, in the batch's transaction, the new value, a Shopify outbox row and
/// an analytics record.
/// <para>
/// Catch-up: while the runner reports more than <see cref="AvailabilityProjectorOptions.CatchUpThreshold"/> records
/// still behind (<see cref="ProjectionBatch.Remaining"/>, e.g. rebuilding from the topics), or while a partition is short
/// of the end it had at the start (<see cref="ProjectionBatch.CaughtUpToStart"/>), a batch only folds and stores the Odoo
/// rows and remembers which products it touched; the first batch within the threshold and caught up recomputes them
/// all and writes only the values that differ from <c>inventory.availability</c>, so the outbox and the analytics
/// topic see each key's settled value once instead of every intermediate one. Positions move past deferred records,
/// so after every (re)load the projector treats every product as touched: its first batch reconciles every key against
/// <c>inventory.availability</c> (a deferring batch always leaves records behind it, so a first batch always comes).
/// </para>
/// </summary>
public sealed partial class AvailabilityProjector : IProjector
{
    public const string ProjectorName = "inventory.availability";

    /// <summary>The Odoo tables availability reads (all in the capture's publication).</summary>
    public static readonly IReadOnlyList<string> OdooTables =
        ["stock_quant", "stock_move", "stock_location", "stock_warehouse", "product_product", "product_template", "sale_order", "sale_order_line"];

    private readonly AvailabilityProjectorOptions _options;
    private readonly IReadOnlyList<StoreTarget> _stores;
    private readonly AvailabilityAnalytics _analytics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<AvailabilityKey, int> _last = [];

    /// <summary>Products touched since the last recompute (deferred while catching up), each with its latest cause.</summary>
    private readonly Dictionary<int, Cause> _dirty = [];
    private InventoryState _state = new();
    private AvailabilityCalculator _calculator;
    private long _valuesChanged;

    /// <summary>Every product must be recomputed at the next recompute (after a load, a topology change or a truncate); its cause.</summary>
    private Cause? _dirtyAll;
    private long _deferredBatches;
    private long _episodeStart;
    private volatile bool _catchingUp;

    public AvailabilityProjector(AvailabilityProjectorOptions options, IReadOnlyList<StoreTarget> stores, ISchemaRegistryClient registry, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CatchUpThreshold);
        _options = options;
        _stores = stores;
        _calculator = new AvailabilityCalculator(stores);
        _analytics = new AvailabilityAnalytics(registry, options.AnalyticsTopic);
        _logger = logger;
        _time = time ?? TimeProvider.System;
        Topics = [.. OdooTables.Select(t => $"{options.CdcTopicPrefix}.public.{t}"), options.IntakeTopic];
    }

    public string Name => ProjectorName;

    public IReadOnlyList<string> Topics { get; }

    /// <summary>A product's value folds its quants, moves and sale lines, keyed by their own ids over every partition.</summary>
    public bool SpansPartitions => true;

    /// <summary>Values that changed (and so went to the outbox and the analytics topic) since start.</summary>
    public long ValuesChanged => Interlocked.Read(ref _valuesChanged);

    /// <summary>True while outputs are deferred: the last batch was applied in catch-up mode and its values are not written yet.</summary>
    public bool CatchingUp => _catchingUp;

    /// <summary>Batches applied in catch-up mode (outputs deferred) since start.</summary>
    public long DeferredBatches => Interlocked.Read(ref _deferredBatches);

    /// <summary>Raised after a batch with changed values committed.</summary>
    public event EventHandler<IReadOnlyList<AvailabilityChange>>? ValuesCommitted;

    public async Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await InventoryStore.EnsureAsync(connection, ct);
        await ChannelsSchema.EnsureAsync(connection, ct);
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await InventoryStore.ResetAsync(connection, transaction, ct);
        await ChannelsSchema.ResetAsync(connection, transaction, ct);
    }

    public async Task LoadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        _state = new InventoryState();
        _calculator = new AvailabilityCalculator(_stores);
        _last.Clear();
        await InventoryStore.LoadAsync(connection, _state, _last, ct);

        // The stored positions may have moved past records whose values were deferred (catch-up) when the process
        // stopped: the next recompute reconciles every key against inventory.availability.
        _dirty.Clear();
        _dirtyAll = new Cause(AvailabilityTrigger.Snapshot, null, null, null, null);
        _catchingUp = false;
    }

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var work = new BatchWork();
        foreach (var record in batch.Records)
        {
            try
            {
                if (record.Topic == _options.IntakeTopic)
                {
                    ApplyChannelOrder(record, work);
                }
                else
                {
                    ApplyOdooChange(ChangeEventReader.Read(record.Topic, record.Key, record.Value), work);
                }
            }
            catch (Exception ex) when (ex is UnmappableSchemaException or InvalidDataException or InvalidCastException or KeyNotFoundException
                or NullReferenceException or OverflowException)
            {
                batch.Park(record, $"{ex.GetType().Name}: {ex.Message}");
            }
        }

        foreach (var table in work.Truncated)
        {
            await InventoryStore.TruncateTableAsync(batch.Connection, batch.Transaction, table, ct);
        }

        await InventoryStore.SaveRowsAsync(batch.Connection, batch.Transaction, work.Rows, ct);
        await InventoryStore.SaveChannelOrdersAsync(batch.Connection, batch.Transaction, work.Orders.Values, ct);

        // A failed batch is followed by LoadAsync, which forgets all of this.
        if (work.All is not null)
        {
            _dirtyAll = work.All;
        }

        foreach (var (product, cause) in work.Affected)
        {
            _dirty[product] = cause;
        }

        if (!batch.CaughtUpToStart || batch.Remaining > _options.CatchUpThreshold)
        {
            if (!_catchingUp)
            {
                _episodeStart = DeferredBatches;
                LogCatchingUp(_logger, batch.Remaining, _options.CatchUpThreshold, batch.CaughtUpToStart);
            }

            _catchingUp = true;
            Interlocked.Increment(ref _deferredBatches);
            _pending = work;
            return;
        }

        var reconciling = _catchingUp;
        var changes = Recompute();
        if (reconciling)
        {
            LogReconciled(_logger, changes.Count, DeferredBatches - _episodeStart);
        }

        _catchingUp = false;
        await InventoryStore.SaveAvailabilityAsync(batch.Connection, batch.Transaction, changes, ct);
        await ShopifyOutbox.AppendAsync(batch.Connection, batch.Transaction,
            changes.Select(c => new ShopifyPush(c.Result.Key.ShopDomain, c.Result.Key.Sku, c.Result.Key.ShopifyLocationId, c.Result.OnHand, c.SourceCommittedAt)).ToList(), ct);
        var analytics = new List<AnalyticsRecord>(changes.Count);
        foreach (var change in changes)
        {
            analytics.Add(await _analytics.EncodeAsync(change, _state));
        }

        await AnalyticsOutbox.AppendAsync(batch.Connection, batch.Transaction, analytics, ct);
        work.Changes = changes;
        _pending = work;
    }

    private BatchWork? _pending;

    public void Committed(ProjectionBatch batch)
    {
        var changes = _pending?.Changes ?? [];
        _pending = null;
        if (changes.Count > 0)
        {
            Interlocked.Add(ref _valuesChanged, changes.Count);
            ValuesCommitted?.Invoke(this, changes);
        }
    }

    /// <summary>The current value and inputs of a key (for status and tests); null if never computed.</summary>
    public int? ValueOf(AvailabilityKey key) => _last.TryGetValue(key, out var v) ? v : null;

    private void ApplyChannelOrder(ConsumedRecord record, BatchWork work)
    {
        var order = ChannelOrderReader.Read(record.Value);
        if (!_state.Put(order, out var previous))
        {
            return; // an older description than the one already held
        }

        work.Orders[(order.ShopDomain, order.OrderId)] = order;
        var cause = new Cause(AvailabilityTrigger.ChannelOrder, null, null, null, order.OrderId);
        foreach (var product in _state.ProductsOf(order).Concat(previous is null ? [] : _state.ProductsOf(previous)))
        {
            work.Affected[product] = cause;
        }
    }

    private void ApplyOdooChange(RowChange change, BatchWork work)
    {
        if (change.Operation is ChangeOperation.Tombstone or ChangeOperation.Message)
        {
            return;
        }

        var source = change.Source;
        var cause = new Cause(
            change.Operation == ChangeOperation.Read ? AvailabilityTrigger.Snapshot : AvailabilityTrigger.OdooChange,
            source?.Lsn, source?.TxId, source is null ? null : new DateTimeOffset(source.CommittedAt, TimeSpan.Zero), null);
        if (change.Operation == ChangeOperation.Truncate)
        {
            _state.Truncate(change.Table);
            work.Truncated.Add(change.Table);
            foreach (var key in work.Rows.Keys.Where(k => k.Table == change.Table).ToList())
            {
                work.Rows.Remove(key);
            }

            work.All = cause;
            return;
        }

        var deleted = change.Operation == ChangeOperation.Delete;
        var image = deleted ? change.Before ?? change.Key : change.After;
        if (image is null)
        {
            throw new InvalidDataException($"A {change.Operation} of {change.Table} carries no row image.");
        }

        var id = OdooRowReader.Id(image);
        switch (change.Table)
        {
            case "stock_quant":
                {
                    var row = deleted ? null : OdooRowReader.Quant(image);
                    var old = _state.RemoveQuant(id);
                    if (row is not null)
                    {
                        _state.Put(row);
                    }

                    Touch(work, cause, old?.ProductId, row?.ProductId);
                    work.Rows[(change.Table, id)] = row;
                    break;
                }

            case "stock_move":
                {
                    var row = deleted ? null : OdooRowReader.Move(image);
                    var old = _state.RemoveMove(id);
                    var kept = row is not null && _state.Put(row);
                    Touch(work, cause, old?.ProductId, row?.ProductId);
                    work.Rows[(change.Table, id)] = kept ? row : null;
                    break;
                }

            case "stock_location":
                {
                    var row = deleted ? null : OdooRowReader.Location(image);
                    if (row is null)
                    {
                        _state.RemoveLocation(id);
                    }
                    else
                    {
                        _state.Put(row);
                    }

                    work.Rows[(change.Table, id)] = row;
                    work.All = cause;
                    break;
                }

            case "stock_warehouse":
                {
                    var row = deleted ? null : OdooRowReader.Warehouse(image);
                    if (row is null)
                    {
                        _state.RemoveWarehouse(id);
                    }
                    else
                    {
                        _state.Put(row);
                    }

                    work.Rows[(change.Table, id)] = row;
                    work.All = cause;
                    break;
                }

            case "product_product":
                {
                    var row = deleted ? null : OdooRowReader.Product(image);
                    _state.RemoveProduct(id);
                    if (row is not null)
                    {
                        _state.Put(row);
                    }

                    Touch(work, cause, id, null);
                    work.Rows[(change.Table, id)] = row;
                    break;
                }

            case "product_template":
                {
                    var row = deleted ? null : OdooRowReader.Template(image);
                    if (row is null)
                    {
                        _state.Templates.Remove(id);
                    }
                    else
                    {
                        _state.Put(row);
                    }

                    foreach (var product in _state.Products.Values.Where(p => p.TemplateId == id))
                    {
                        Touch(work, cause, product.Id, null);
                    }

                    work.Rows[(change.Table, id)] = row;
                    break;
                }

            case "sale_order":
                {
                    var row = deleted ? null : OdooRowReader.SaleOrder(image);
                    var old = _state.RemoveSaleOrder(id);
                    if (row is not null)
                    {
                        _state.Put(row);
                    }

                    foreach (var product in _state.ProductsOfSaleOrder(id))
                    {
                        Touch(work, cause, product, null);
                    }

                    // Whether Odoo holds a channel order turns on the sale order's state for every SKU of the channel order,
                    // not only for the products its Odoo lines name (docs/inventory-policy.md, the intake seam).
                    foreach (var origin in new[] { old?.Origin, row?.Origin }.OfType<string>().Distinct(StringComparer.Ordinal))
                    {
                        if (_state.ChannelOrderOfOrigin(origin) is { } channelOrder)
                        {
                            foreach (var product in _state.ProductsOf(channelOrder))
                            {
                                Touch(work, cause, product, null);
                            }
                        }
                    }

                    work.Rows[(change.Table, id)] = row;
                    break;
                }

            case "sale_order_line":
                {
                    var row = deleted ? null : OdooRowReader.SaleLine(image);
                    var old = _state.RemoveSaleLine(id);
                    if (row is not null)
                    {
                        _state.Put(row);
                    }

                    Touch(work, cause, old?.ProductId, row?.ProductId);
                    work.Rows[(change.Table, id)] = row;
                    break;
                }

            default:
                break; // a table this projection does not read
        }
    }

    private static void Touch(BatchWork work, Cause cause, int? a, int? b)
    {
        if (a is { } x)
        {
            work.Affected[x] = cause;
        }

        if (b is { } y)
        {
            work.Affected[y] = cause;
        }
    }

    /// <summary>Recomputes the touched products (every product after a load or a topology change); returns the values that changed.</summary>
    private List<AvailabilityChange> Recompute()
    {
        var now = _time.GetUtcNow();
        var products = _dirtyAll is not null ? AvailabilityCalculator.SellableProducts(_state).ToList() : _dirty.Keys.ToList();
        var changes = new List<AvailabilityChange>();
        foreach (var product in products)
        {
            var cause = _dirty.TryGetValue(product, out var c) ? c : _dirtyAll!;
            foreach (var result in _calculator.Compute(_state, product))
            {
                var had = _last.TryGetValue(result.Key, out var previous);
                if (had && previous == result.OnHand)
                {
                    continue; // only changed values produce output
                }

                _last[result.Key] = result.OnHand;
                changes.Add(new AvailabilityChange(result, had ? previous : null, cause.Trigger, cause.Lsn, cause.TxId, cause.CommittedAt, cause.ChannelOrderId, now));
            }
        }

        _dirty.Clear();
        _dirtyAll = null;
        return changes;
    }

    [LoggerMessage(1, LogLevel.Information, "Availability: {Remaining} records behind (threshold {Threshold}), every partition read to its end at the start: {CaughtUpToStart}; catching up, values deferred until both hold")]
    private static partial void LogCatchingUp(ILogger logger, long remaining, long threshold, bool caughtUpToStart);

    [LoggerMessage(2, LogLevel.Information, "Availability: caught up after {Batches} deferred batches; {Changes} values differ from the stored ones and are written")]
    private static partial void LogReconciled(ILogger logger, int changes, long batches);

    private sealed record Cause(AvailabilityTrigger Trigger, long? Lsn, long? TxId, DateTimeOffset? CommittedAt, long? ChannelOrderId);

    private sealed class BatchWork
    {
        public Dictionary<(string Table, int Id), object?> Rows { get; } = [];

        public Dictionary<(string, long), ChannelOrder> Orders { get; } = [];

        public Dictionary<int, Cause> Affected { get; } = [];

        public List<string> Truncated { get; } = [];

        public Cause? All { get; set; }

        public IReadOnlyList<AvailabilityChange> Changes { get; set; } = [];
    }
}

public sealed record AvailabilityProjectorOptions
{
    /// <summary>Debezium's topic.prefix (connect/odoo-connector.json): topics are &lt;prefix&gt;.public.&lt;table&gt;.</summary>
    public string CdcTopicPrefix { get; init; } = "odoo";

    /// <summary>The channel order intake topic.</summary>
    public string IntakeTopic { get; init; } = "retail.channel.order.v1";

    /// <summary>Where every changed value goes for analytics.</summary>
    public string AnalyticsTopic { get; init; } = AvailabilityAnalytics.DefaultTopic;

    /// <summary>
    /// Catch-up mode: while more records than this are still behind after a batch (<see cref="ProjectionBatch.Remaining"/>),
    /// values, outbox rows and analytics records are deferred and settled once, when the projection comes within it.
    /// Default 20,000 (10 × the runner's default batch size); <see cref="long.MaxValue"/> turns catch-up off.
    /// </summary>
    public long CatchUpThreshold { get; init; } = 20_000;
}
