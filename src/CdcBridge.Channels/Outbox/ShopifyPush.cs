namespace CdcBridge.Channels.Outbox;

/// <summary>A quantity to set as Shopify on_hand for a SKU at a location of a store, as the projection computed it.</summary>
public sealed record ShopifyPush(string ShopDomain, string Sku, long LocationId, int OnHand, DateTimeOffset? SourceCommittedAt);
