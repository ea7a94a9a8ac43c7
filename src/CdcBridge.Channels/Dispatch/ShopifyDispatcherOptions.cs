namespace CdcBridge.Channels.Dispatch;

/// <summary>How a <see cref="ShopifyDispatcher"/> keeps its picture of the store and paces its calls.</summary>
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
    /// While commits keep coming, at most one cycle that sends everything waiting (partial calls included) per this
    /// interval, so a trickle of changes a little further apart than <see cref="QuietGap"/> still leaves in few calls.
    /// Full calls are not held back by it.
    /// </summary>
    public TimeSpan BusyCycleInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The first change after an idle spell opens a window that gathers the rest of its burst: the window closes once
    /// no new outbox row has come for this long. What an isolated change waits before its call. During a burst the
    /// projection's commits come one batch apart, and a batch of a few hundred records can take 100–200 ms on a busy
    /// machine (make bench): a shorter gap cuts such a burst in two.
    /// </summary>
    public TimeSpan QuietGap { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A window closes at the latest when its first waiting change is this old, counted from its commit in Odoo (from
    /// when the dispatcher saw it, if that is sooner or the commit time unknown), however long its burst goes on: the
    /// bound a window puts on commit → Shopify latency in a stream that never goes quiet. Meanwhile a call leaves at
    /// once whenever more pairs wait than one call holds.
    /// </summary>
    public TimeSpan MaxLinger { get; init; } = TimeSpan.FromMilliseconds(700);
}
