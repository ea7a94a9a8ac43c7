using System.Security.Cryptography;
using System.Text;
using CdcBridge.Channels.Outbox;
using CdcBridge.Channels.Shopify;
using CdcBridge.Projections;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace CdcBridge.Channels.Dispatch;

/// <summary>
/// Sends one store's outbox to Shopify. Per cycle it coalesces every waiting row to the newest value per (SKU,
/// location), skips values Shopify already has, and sets up to 250 quantities per <c>inventorySetQuantities</c>
/// call with <c>changeFromQuantity</c> = the on_hand it last saw, under an idempotency key derived from the outbox rows
/// (a resend after a crash or a lost answer is the same operation). Stale compare-and-set → re-read the location's
/// levels and send again; a user error Shopify will keep giving → the entry is parked with the reason. Each store has
/// its own dispatcher, so one store's throttle never holds another's.
/// <para>
/// Bursts: the first change after an idle spell opens a window (<see cref="ShopifyDispatcherOptions"/>) that stays
/// open while the projection keeps committing and closes after a quiet gap or when its oldest change has waited the
/// longest it may; then everything waiting leaves. Meanwhile, once more pairs wait than one call holds, full calls of
/// pairs that changed once in the window leave at once (a pair still moving waits for its last value).
/// </para>
/// </summary>
public sealed partial class ShopifyDispatcher : IAsyncDisposable
{
    public const int MaxQuantitiesPerCall = 250;

    /// <summary>A burst window looks at the outbox at most this often, however many commits notify it.</summary>
    private static readonly TimeSpan LookInterval = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);

    private readonly string _shop;
    private readonly IShopifyInventory _shopify;
    private readonly string _connectionString;
    private readonly IReadOnlyList<long> _locations;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ShopifyDispatcherOptions _options;
    private readonly Dictionary<string, CachedItem> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<(long Item, long Location), int> _onHand = [];
    private readonly HashSet<long> _levelsRead = [];
    private readonly ShopifyStoreMemory _memory;
    private bool _memoryLoaded;

    // Shopify answers a key it has seen with its first answer, so a retry after a stale rejection needs a new key.
    private long _staleGeneration;

    // Highest outbox id a cycle or a burst window has looked at: a window counts only what came after it.
    private long _cursor;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task _loop = Task.CompletedTask;
    private TaskCompletionSource _cycle = NewSignal();
    private long _calls;
    private long _set;
    private long _stale;
    private long _parked;
    private long _notInStore;
    private double? _lastLatencyMs;
    private DateTimeOffset? _lastCallAt;
    private string? _lastError;

    public ShopifyDispatcher(string shopDomain, IShopifyInventory shopify, string connectionString, IReadOnlyList<long> locationIds, ILogger logger,
        TimeProvider? time = null, ShopifyDispatcherOptions? options = null)
    {
        _options = options ?? new ShopifyDispatcherOptions();
        _memory = new ShopifyStoreMemory(connectionString, shopDomain);
        _shop = shopDomain;
        _shopify = shopify;
        _connectionString = connectionString;
        _locations = locationIds;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public string ShopDomain => _shop;

    public Task Completion => _loop;

    public ShopifyDispatcherStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new ShopifyDispatcherStatus(_shop, _calls, _set, _stale, _parked, _notInStore, _lastLatencyMs, _lastCallAt, _lastError);
            }
        }
    }

    /// <summary>Completes after the next dispatch cycle (or when the loop ends).</summary>
    public Task NextCycle
    {
        get
        {
            lock (_gate)
            {
                return _cycle.Task;
            }
        }
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Waits (on cycles, not on time) until the store's outbox is empty.</summary>
    public async Task WaitUntilDrainedAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        while (true)
        {
            var next = NextCycle;
            if (await PendingAsync(cts.Token) == 0)
            {
                return;
            }

            if (_loop.IsCompleted)
            {
                await _loop;
                throw new InvalidOperationException($"The dispatcher of {_shop} stopped with rows waiting.");
            }

            await next.WaitAsync(cts.Token);
        }
    }

    public async Task<long> PendingAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM channels.shopify_outbox WHERE shop_domain = $1", connection);
        command.Parameters.Add(new() { Value = _shop });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

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

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var loop = new NotificationLoop(_connectionString, $"LISTEN {ShopifyOutbox.Notification}")
        {
            FirstDelay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(30),
            Time = _time,
            IsTransient = static _ => true, // Shopify or PostgreSQL: back off and go on; rows stay in the outbox
            Failed = (ex, failures, delay) =>
            {
                lock (_gate)
                {
                    _lastError = ex.Message;
                }

                Signal();
                LogCycleFailed(_logger, ex, _shop, failures, delay);
            },
        };
        await loop.RunAsync(async (listener, succeeded, token) =>
        {
            while (!token.IsCancellationRequested)
            {
                var started = _time.GetTimestamp();
                var cycle = await DispatchOnceAsync(null, token);
                succeeded();
                Signal();
                if (cycle.Again)
                {
                    continue;
                }

                // The projection NOTIFYs in its transaction; the timeout only covers a notification lost with a connection.
                if (await listener.WaitAsync(_options.IdleWake, token))
                {
                    await GatherAsync(listener, started, token);
                }
            }
        }, ct);

        Signal();
    }

    /// <summary>
    /// One pass over the store's outbox: everything waiting, or with <paramref name="only"/> just those pairs and only
    /// in full calls (the rest of them is left waiting and named in the result).
    /// </summary>
    internal async Task<Cycle> DispatchOnceAsync(IReadOnlySet<(string Sku, long Location)>? only, CancellationToken ct)
    {
        if (!_memoryLoaded)
        {
            // What an earlier run knew: no start-up reads for locations it had seen (a stale value costs one re-read).
            var (items, levels) = await _memory.LoadAsync(ct);
            foreach (var (sku, (item, at)) in items)
            {
                _items[sku] = new CachedItem(item, at);
            }

            foreach (var (key, onHand) in levels)
            {
                _onHand[key] = onHand;
                _levelsRead.Add(key.Location);
            }

            _memoryLoaded = true;
        }

        foreach (var location in _locations.Where(l => !_levelsRead.Contains(l)).ToList())
        {
            await ReadLevelsAsync(location, ct);
        }

        var pending = await CoalescedAsync(ct);
        if (only is null)
        {
            _cursor = pending.Select(p => p.NewestId).Append(_cursor).Max();
        }
        else
        {
            pending = pending.Where(p => only.Contains((p.Sku, p.LocationId))).ToList();
        }

        if (pending.Count == 0)
        {
            return Cycle.Idle;
        }

        await LookUpItemsAsync(pending.Select(p => p.Sku), ct);
        var done = new List<Coalesced>();
        var refused = new List<(Coalesced Row, string Code, string Reason)>();
        var toSend = new List<(Coalesced Row, OnHandChange Change)>();
        foreach (var row in pending)
        {
            if (_items[row.Sku].InventoryItemId is not { } item)
            {
                // The store does not sell this SKU: nothing to push (its analytics record still says so).
                done.Add(row);
                Interlocked.Increment(ref _notInStore);
                continue;
            }

            if (!_levelsRead.Contains(row.LocationId))
            {
                try
                {
                    await ReadLevelsAsync(row.LocationId, ct);
                }
                catch (Exception ex) when (_shopify.IsPermanent(ex))
                {
                    // The store has no such location (deleted in Shopify, or a mapping error): every push there would be refused.
                    refused.Add((row, ex is ShopifyApiException { Code: { } code } ? code : "PERMANENT_FAILURE", ex.Message));
                    continue;
                }
            }

            var current = _onHand.GetValueOrDefault((item, row.LocationId));
            if (current == row.OnHand)
            {
                done.Add(row); // Shopify already holds this value
                continue;
            }

            toSend.Add((row, new OnHandChange(item, row.LocationId, row.OnHand, current)));
        }

        if (done.Count > 0)
        {
            await _memory.CompleteAsync(done.Select(r => (r.Sku, r.LocationId, r.NewestId)).ToList(), [], ct);
        }
        if (refused.Count > 0)
        {
            await ParkAsync(refused, ct);
        }

        // Only whole calls when asked for some pairs: a partial one waits for the window to close.
        var sending = only is null ? toSend.Count : toSend.Count / MaxQuantitiesPerCall * MaxQuantitiesPerCall;
        var again = false;
        foreach (var chunk in toSend.Take(sending).Chunk(MaxQuantitiesPerCall))
        {
            again |= await SendAsync(chunk, ct);
        }

        return new Cycle(again, toSend.Skip(sending).Select(t => (t.Row.Sku, t.Row.LocationId)).ToHashSet());
    }

    /// <summary>
    /// The window a burst gathers in, from its first notification until no new row of this store has come for
    /// <see cref="ShopifyDispatcherOptions.QuietGap"/> or its first waiting change is <see cref="ShopifyDispatcherOptions.MaxLinger"/>
    /// old, and not before <see cref="ShopifyDispatcherOptions.BusyCycleInterval"/>
    /// after the previous cycle started. It looks at the rows that came (at most every <see cref="LookInterval"/>) and
    /// sends full calls as soon as more pairs wait than one call holds.
    /// </summary>
    private async Task GatherAsync(NpgsqlConnection listener, long previousCycle, CancellationToken ct)
    {
        var burst = new Burst(_time.GetTimestamp());
        var due = true; // notified, not looked at since
        var lookedAt = burst.LastArrival;
        var looked = false;
        while (true)
        {
            var now = _time.GetTimestamp();
            var lookIn = looked ? LookInterval - _time.GetElapsedTime(lookedAt, now) : TimeSpan.Zero;
            if (due && lookIn <= TimeSpan.Zero)
            {
                (due, looked, lookedAt) = (false, true, now);
                if (await ArrivalsAsync(burst, now, ct) && burst.FullCallPairs() is { } full)
                {
                    var cycle = await DispatchOnceAsync(full, ct);
                    burst.Sent(full, cycle.Left);
                    Signal();
                    if (cycle.Again)
                    {
                        return; // stale values re-read: the next cycle sends everything again
                    }
                }

                continue;
            }

            var quiet = _options.QuietGap - _time.GetElapsedTime(burst.LastArrival, now);
            var capped = burst.Deadline is { } deadline ? _time.GetElapsedTime(now, deadline) : _options.MaxLinger - _time.GetElapsedTime(burst.LastArrival, now);
            var close = quiet < capped ? quiet : capped;
            var paced = _options.BusyCycleInterval - _time.GetElapsedTime(previousCycle, now);
            if (paced > close)
            {
                close = paced;
            }

            if (close <= TimeSpan.Zero)
            {
                return;
            }

            var wait = due && lookIn < close ? lookIn : close;

            // Npgsql reads a timeout of 0 ms as "no timeout".
            if (await listener.WaitAsync(wait < MinimumWait ? MinimumWait : wait, ct))
            {
                due = true;
            }
        }
    }

    /// <summary>Rows of this store added to the outbox since the last look: counted in the window; false when none came.</summary>
    private async Task<bool> ArrivalsAsync(Burst burst, long now, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT id, sku, location_id, source_committed_at FROM channels.shopify_outbox WHERE shop_domain = $1 AND id > $2 ORDER BY id", connection);
        command.Parameters.Add(new() { Value = _shop });
        command.Parameters.Add(new() { Value = _cursor });
        var utcNow = _time.GetUtcNow();
        var any = false;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // A change may wait until MaxLinger after its commit in Odoo (what its latency counts from), and never longer
            // than MaxLinger after it was seen here (no commit time, or a clock ahead of this one).
            var age = await reader.IsDBNullAsync(3, ct) ? TimeSpan.Zero : utcNow - new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero);
            var left = _options.MaxLinger - (age < TimeSpan.Zero ? TimeSpan.Zero : age);
            _cursor = reader.GetInt64(0);
            burst.Arrived((reader.GetString(1), reader.GetInt64(2)), now, now + (long)(Math.Max(0, left.TotalSeconds) * _time.TimestampFrequency));
            any = true;
        }

        return any;
    }

    /// <summary>Looks up SKUs never seen, seen longer ago than the cache's TTL, or dropped after INVALID_INVENTORY_ITEM.</summary>
    private async Task LookUpItemsAsync(IEnumerable<string> skus, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var due = skus.Where(s => !_items.TryGetValue(s, out var cached) || now - cached.LookedUpAt >= _options.SkuCacheTtl)
            .Distinct(StringComparer.Ordinal).ToList();
        if (due.Count == 0)
        {
            return;
        }

        var found = await _shopify.FindInventoryItemsAsync(due, ct);
        foreach (var sku in due)
        {
            var item = found.TryGetValue(sku, out var id) ? id : (long?)null;
            var recheck = _items.TryGetValue(sku, out var previous) && previous.Invalidated;
            _items[sku] = new CachedItem(item, now, Rechecked: recheck);
        }

        await _memory.SaveItemsAsync(due.Select(s => (s, _items[s].InventoryItemId)).ToList(), now, ct);
    }

    private async Task<bool> SendAsync((Coalesced Row, OnHandChange Change)[] chunk, CancellationToken ct)
    {
        var changes = chunk.Select(c => c.Change).ToList();
        var key = IdempotencyKey(chunk);
        var reference = $"gid://cdcbridge/AvailabilitySync/{chunk.Max(c => c.Row.NewestId)}";
        OnHandSetResult result;
        try
        {
            result = await _shopify.SetOnHandAsync(key, reference, changes, ct);
        }
        catch (Exception ex) when (_shopify.IsPermanent(ex))
        {
            await ParkAsync(chunk.Select(c => (c.Row, "PERMANENT_FAILURE", ex.Message)).ToList(), ct);
            return false;
        }

        lock (_gate)
        {
            _calls++;
            _lastCallAt = _time.GetUtcNow();
        }

        if (result.Applied)
        {
            foreach (var (row, change) in chunk)
            {
                _onHand[(change.InventoryItemId, change.LocationId)] = change.Quantity;
            }

            await _memory.CompleteAsync(chunk.Select(c => (c.Row.Sku, c.Row.LocationId, c.Row.NewestId)).ToList(),
                chunk.Select(c => (c.Change.InventoryItemId, c.Change.LocationId, c.Change.Quantity)).ToList(), ct);
            var now = _time.GetUtcNow();
            var newest = chunk.Select(c => c.Row.SourceCommittedAt).Where(t => t is not null).Max();
            lock (_gate)
            {
                _set += chunk.Length;
                if (newest is { } committed)
                {
                    _lastLatencyMs = (now - committed).TotalMilliseconds;
                }
            }

            var tag = new KeyValuePair<string, object?>("shop", _shop);
            ChannelsMetrics.PushedCounter.Add(chunk.Length, tag);
            foreach (var committed in chunk.Select(c => c.Row.SourceCommittedAt).OfType<DateTimeOffset>())
            {
                ChannelsMetrics.ApplyLatencyHistogram.Record((now - committed).TotalSeconds, tag);
            }

            return false;
        }

        // Refused as a whole. Stale entries: Shopify moved (an admin edit, a fulfilment); re-read and send again.
        var stale = result.Errors.Where(e => e.Code == OnHandSetError.Stale).ToList();
        if (stale.Count > 0)
        {
            Interlocked.Add(ref _stale, stale.Count);
            _staleGeneration++;
            ChannelsMetrics.StaleCounter.Add(stale.Count, new KeyValuePair<string, object?>("shop", _shop));
            foreach (var location in stale.Select(e => e.EntryIndex is { } i && i < chunk.Length ? chunk[i].Change.LocationId : (long?)null)
                .Select(l => l is null ? chunk.Select(c => c.Change.LocationId) : [l.Value]).SelectMany(l => l).Distinct())
            {
                await ReadLevelsAsync(location, ct);
            }

            LogStale(_logger, _shop, stale.Count);
        }

        // The item id is gone (variant deleted or re-created in Shopify's admin): look the SKU up again once before parking.
        var permanent = new List<OnHandSetError>();
        foreach (var error in result.Errors.Where(e => e.Code != OnHandSetError.Stale))
        {
            if (error.Code == OnHandSetError.InvalidInventoryItem && error.EntryIndex is { } index && index < chunk.Length
                && _items.TryGetValue(chunk[index].Row.Sku, out var cached) && !cached.Rechecked)
            {
                _items[chunk[index].Row.Sku] = cached with { LookedUpAt = DateTimeOffset.MinValue, Invalidated = true };
                continue;
            }

            permanent.Add(error);
        }

        if (permanent.Count > 0)
        {
            var parked = permanent.Any(e => e.EntryIndex is null)
                ? chunk.Select(c => (c.Row, permanent[0].Code, permanent[0].Message)).ToList()
                : permanent.Where(e => e.EntryIndex < chunk.Length).Select(e => (chunk[e.EntryIndex!.Value].Row, e.Code, e.Message)).ToList();
            await ParkAsync(parked, ct);
        }

        return true;
    }

    private async Task ReadLevelsAsync(long location, CancellationToken ct)
    {
        var levels = await _shopify.ReadOnHandAsync(location, ct);
        foreach (var key in _onHand.Keys.Where(k => k.Location == location).ToList())
        {
            _onHand.Remove(key);
        }

        foreach (var (item, onHand) in levels)
        {
            _onHand[(item, location)] = onHand;
        }

        await _memory.ReplaceLocationAsync(location, levels, ct);
        _levelsRead.Add(location);
    }

    private async Task<List<Coalesced>> CoalescedAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT DISTINCT ON (sku, location_id) id, sku, location_id, on_hand, source_committed_at
            FROM channels.shopify_outbox WHERE shop_domain = $1
            ORDER BY sku, location_id, id DESC
            """, connection);
        command.Parameters.Add(new() { Value = _shop });
        var rows = new List<Coalesced>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Coalesced(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3),
                await reader.IsDBNullAsync(4, ct) ? null : new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero)));
        }

        // Oldest first, so a busy SKU cannot starve a quiet one.
        rows.Sort((a, b) => a.NewestId.CompareTo(b.NewestId));
        return rows;
    }

    private async Task ParkAsync(IReadOnlyList<(Coalesced Row, string Code, string Reason)> parked, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (row, code, reason) in parked)
        {
            await using var batch = new NpgsqlBatch(connection, tx);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO channels.shopify_parked (shop_domain, sku, location_id, on_hand, code, reason) VALUES ($1, $2, $3, $4, $5, $6)")
            {
                Parameters = { new() { Value = _shop }, new() { Value = row.Sku }, new() { Value = row.LocationId }, new() { Value = row.OnHand }, new() { Value = code }, new() { Value = reason } },
            });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "DELETE FROM channels.shopify_outbox WHERE shop_domain = $1 AND sku = $2 AND location_id = $3 AND id <= $4")
            {
                Parameters = { new() { Value = _shop }, new() { Value = row.Sku }, new() { Value = row.LocationId }, new() { Value = row.NewestId } },
            });
            await batch.ExecuteNonQueryAsync(ct);
            LogParked(_logger, _shop, row.Sku, row.LocationId, code, reason);
        }

        await tx.CommitAsync(ct);
        Interlocked.Add(ref _parked, parked.Count);
        ChannelsMetrics.ParkedCounter.Add(parked.Count, new KeyValuePair<string, object?>("shop", _shop));
    }

    /// <summary>
    /// The same outbox rows give the same key (a resend is the same operation); a new row for a pair gives a new key, so
    /// a value that comes back to an earlier one is applied again.
    /// </summary>
    private string IdempotencyKey((Coalesced Row, OnHandChange Change)[] chunk)
    {
        var text = new StringBuilder(_shop).Append('#').Append(_staleGeneration);
        foreach (var (row, change) in chunk)
        {
            text.Append('|').Append(row.NewestId).Append(':').Append(change.InventoryItemId).Append('@').Append(change.LocationId)
                .Append('=').Append(change.Quantity).Append('<').Append(change.ChangeFromQuantity);
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    private void Signal()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            signal = _cycle;
            _cycle = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What a cycle left: whether rows must be sent again at once (stale values re-read), and the pairs asked for but not sent.</summary>
    internal sealed record Cycle(bool Again, IReadOnlySet<(string Sku, long Location)> Left)
    {
        public static Cycle Idle { get; } = new(false, new HashSet<(string, long)>());
    }

    /// <summary>What a burst window has seen of the store's outbox since it opened.</summary>
    private sealed class Burst(long opened)
    {
        /// <summary>Pairs with rows waiting: rows seen since the pair was last sent, and when the first of them must leave.</summary>
        private readonly Dictionary<(string Sku, long Location), (int Rows, long Deadline)> _waiting = [];

        /// <summary>Pairs a full call of this window carried: a new row for one of them is a pair still moving.</summary>
        private readonly HashSet<(string Sku, long Location)> _sent = [];

        public long LastArrival { get; private set; } = opened;

        /// <summary>When the first waiting change must leave (timestamp); null when nothing waits.</summary>
        public long? Deadline { get; private set; }

        public void Arrived((string Sku, long Location) pair, long at, long deadline)
        {
            var first = _waiting.TryGetValue(pair, out var seen) ? seen.Deadline : deadline;
            _waiting[pair] = (seen.Rows + 1, Math.Min(first, deadline));
            Deadline = Deadline is { } d ? Math.Min(d, deadline) : deadline;
            LastArrival = at;
        }

        /// <summary>
        /// When more pairs wait than one call holds: the pairs that changed once in the window and were not sent in it, if
        /// they fill a call (one still changing would need a second call for its later value). Otherwise null.
        /// </summary>
        public HashSet<(string Sku, long Location)>? FullCallPairs()
        {
            if (_waiting.Count <= MaxQuantitiesPerCall)
            {
                return null;
            }

            var settled = _waiting.Where(w => w.Value.Rows == 1 && !_sent.Contains(w.Key)).Select(w => w.Key).ToHashSet();
            return settled.Count >= MaxQuantitiesPerCall ? settled : null;
        }

        /// <summary>After full calls for <paramref name="asked"/>: all of them but <paramref name="left"/> are done.</summary>
        public void Sent(IReadOnlySet<(string Sku, long Location)> asked, IReadOnlySet<(string Sku, long Location)> left)
        {
            foreach (var pair in asked.Where(p => !left.Contains(p)))
            {
                _waiting.Remove(pair);
                _sent.Add(pair);
            }

            Deadline = _waiting.Count == 0 ? null : _waiting.Values.Min(w => w.Deadline);
        }
    }

    private sealed record CachedItem(long? InventoryItemId, DateTimeOffset LookedUpAt, bool Rechecked = false, bool Invalidated = false);

    private sealed record Coalesced(long NewestId, string Sku, long LocationId, int OnHand, DateTimeOffset? SourceCommittedAt);

    [LoggerMessage(1, LogLevel.Warning, "Shopify {Shop}: dispatch failed (attempt {Failures}); rows stay queued, retrying in {Delay}")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception, string shop, int failures, TimeSpan delay);

    [LoggerMessage(2, LogLevel.Information, "Shopify {Shop}: {Count} quantities changed in Shopify since last read; re-read and sending again")]
    private static partial void LogStale(ILogger logger, string shop, int count);

    [LoggerMessage(3, LogLevel.Error, "Shopify {Shop}: parked {Sku} at location {Location}: {Code} {Reason}")]
    private static partial void LogParked(ILogger logger, string shop, string sku, long location, string code, string reason);
}
