namespace CdcBridge.Channels.Dispatch;

/// <summary>
/// What the dispatcher needs from one Shopify store (implemented over <c>ShopifyInventoryClient</c>); pacing, throttling
/// and transient retries happen below this seam, so a call that returns has either worked or been refused.
/// </summary>
public interface IShopifyInventory
{
    /// <summary>SKU → inventory item id, exact matches only; SKUs the store does not sell are absent.</summary>
    Task<IReadOnlyDictionary<string, long>> FindInventoryItemsAsync(IReadOnlyCollection<string> skus, CancellationToken ct);

    /// <summary>Inventory item id → on_hand of every item stocked at the location.</summary>
    Task<IReadOnlyDictionary<long, int>> ReadOnHandAsync(long locationId, CancellationToken ct);

    /// <summary>One <c>inventorySetQuantities(name: on_hand)</c> call with compare-and-set on every entry.</summary>
    Task<OnHandSetResult> SetOnHandAsync(string idempotencyKey, string referenceDocumentUri, IReadOnlyList<OnHandChange> changes, CancellationToken ct);

    /// <summary>True for a failure that retrying cannot fix (authentication, a malformed request): park, don't retry.</summary>
    bool IsPermanent(Exception exception);
}

public sealed record OnHandChange(long InventoryItemId, long LocationId, int Quantity, int ChangeFromQuantity);

/// <summary>Applied (or a no-op), or refused as a whole with the user errors (entry index where Shopify names one).</summary>
public sealed record OnHandSetResult(bool Applied, IReadOnlyList<OnHandSetError> Errors)
{
    public static OnHandSetResult Success { get; } = new(true, []);
}

public sealed record OnHandSetError(int? EntryIndex, string Code, string Message)
{
    public const string Stale = "CHANGE_FROM_QUANTITY_STALE";

    /// <summary>The inventory item id does not exist (any more) in the store.</summary>
    public const string InvalidInventoryItem = "INVALID_INVENTORY_ITEM";
}
