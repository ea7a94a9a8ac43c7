using CdcBridge.Channels.Shopify;
using CdcBridge.Inventory;

namespace CdcBridge.Host.Sidecar;

/// <summary>One store the sidecar keeps: how to reach it and what it sells where.</summary>
internal sealed record ShopifyStoreSettings(ShopifyStore Store, StoreTarget Target)
{
    public ShopifyStorePlan? Plan { get; init; }

    public TimeSpan SkuCacheTtl { get; init; } = TimeSpan.FromMinutes(15);
}
