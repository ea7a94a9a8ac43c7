using CdcBridge.Channels.Dispatch;

namespace CdcBridge.Benchmarks.Availability;

/// <summary>
/// The dispatcher's own Shopify seam, passed through unchanged, noting every applied <c>inventorySetQuantities</c>
/// (its idempotency key and entries): the key finds the simulator's log line, whose time is when Shopify applied it.
/// </summary>
internal sealed class RecordingShopifyInventory(IShopifyInventory inner) : IShopifyInventory
{
    private readonly Lock _gate = new();
    private readonly List<AppliedCall> _applied = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _applied.Count;
            }
        }
    }

    /// <summary>Applied calls from position <paramref name="from"/> on (a <see cref="Count"/> taken earlier).</summary>
    public IReadOnlyList<AppliedCall> Since(int from)
    {
        lock (_gate)
        {
            return _applied.Skip(from).ToList();
        }
    }

    public Task<IReadOnlyDictionary<string, long>> FindInventoryItemsAsync(IReadOnlyCollection<string> skus, CancellationToken ct) =>
        inner.FindInventoryItemsAsync(skus, ct);

    public Task<IReadOnlyDictionary<long, int>> ReadOnHandAsync(long locationId, CancellationToken ct) => inner.ReadOnHandAsync(locationId, ct);

    public async Task<OnHandSetResult> SetOnHandAsync(string idempotencyKey, string referenceDocumentUri, IReadOnlyList<OnHandChange> changes, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var result = await inner.SetOnHandAsync(idempotencyKey, referenceDocumentUri, changes, ct);
        if (result.Applied)
        {
            var answeredAt = DateTime.UtcNow;
            lock (_gate)
            {
                _applied.Add(new AppliedCall(started, answeredAt, idempotencyKey, [.. changes]));
            }
        }

        return result;
    }

    public bool IsPermanent(Exception exception) => inner.IsPermanent(exception);
}

/// <summary>An applied call as the dispatcher made it: from the client's start (pacing and retries included) to its answer.</summary>
internal sealed record AppliedCall(DateTime StartedAt, DateTime AnsweredAt, string IdempotencyKey, IReadOnlyList<OnHandChange> Changes);
