namespace CdcBridge.Channels.Dispatch;

/// <summary>How a <see cref="ShopifyDispatcher"/> keeps its picture of the store.</summary>
public sealed record ShopifyDispatcherOptions
{
    /// <summary>
    /// SKU → inventory item ids (and "the store does not sell this SKU") are looked up again after this long, when the
    /// SKU next has something to push: a variant created, deleted or re-created in Shopify's admin is picked up.
    /// </summary>
    public TimeSpan SkuCacheTtl { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Upper bound on how long the loop sleeps without a NOTIFY (covers a notification lost with a connection).</summary>
    public TimeSpan IdleWake { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// While commits keep coming, at most one dispatch cycle per this interval, so a burst of changes leaves as a few
    /// coalesced calls instead of one call per commit (after an idle spell, see <see cref="Linger"/>).
    /// </summary>
    public TimeSpan BusyCycleInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// After an idle spell, how long the first notification waits before the cycle reads the outbox, so a burst's
    /// changes leave together rather than the first one alone. Adds this much to the latency of an isolated change.
    /// </summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(250);
}
