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
}
