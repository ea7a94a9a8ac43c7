using CdcBridge.Channels.Shopify;

namespace CdcBridge.Channels.Dispatch;

/// <summary>The dispatcher's view of a store, over <see cref="ShopifyInventoryClient"/>.</summary>
public sealed class ShopifyClientInventory(ShopifyInventoryClient client) : IShopifyInventory
{
    public ShopifyInventoryClient Client { get; } = client;

    public async Task<IReadOnlyDictionary<string, long>> FindInventoryItemsAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        var found = await Client.FindVariantsBySkuAsync(skus, ct);
        return found.ToDictionary(v => v.Key, v => v.Value.InventoryItemId, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyDictionary<long, int>> ReadOnHandAsync(long locationId, CancellationToken ct)
    {
        var levels = await Client.ReadLevelsAsync(locationId, ct);
        return levels.ToDictionary(l => l.Key, l => checked((int)l.Value.OnHand));
    }

    public async Task<OnHandSetResult> SetOnHandAsync(string idempotencyKey, string referenceDocumentUri, IReadOnlyList<OnHandChange> changes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var outcome = await Client.SetQuantitiesAsync(new SetQuantitiesRequest("on_hand", "correction", referenceDocumentUri, idempotencyKey,
            changes.Select(c => new SetQuantityEntry(c.InventoryItemId, c.LocationId, c.Quantity, c.ChangeFromQuantity)).ToList()), ct);
        return outcome.Result == SetQuantitiesResult.Rejected
            ? new OnHandSetResult(false, outcome.UserErrors.Select(e => new OnHandSetError(e.QuantityIndex, e.Code ?? "USER_ERROR", e.Message)).ToList())
            : OnHandSetResult.Success;
    }

    public bool IsPermanent(Exception exception) => exception is ShopifyApiException { IsPermanent: true } or ArgumentException;
}
