namespace CdcBridge.Inventory;

/// <summary>
/// The availability policy (docs/inventory-policy.md): the quantity CdcBridge sets as Shopify's <c>on_hand</c> for a SKU
/// at a Shopify location. Shopify then sells <c>on_hand − committed</c>, its own unfulfilled orders; so the policy
/// subtracts every other claim on the stock and never the store's own orders, which Shopify already subtracts.
/// </summary>
public static class AvailabilityPolicy
{
    public const string Version = "v1";

    /// <summary>Shopify refuses quantities above this (INVALID_QUANTITY_TOO_HIGH).</summary>
    public const int MaxQuantity = 1_000_000_000;

    /// <summary>
    /// <c>max(0, floor(on_hand − foreign_reserved − unreserved_demand − pending_channel_orders + own_shipped_unfulfilled − safety_stock))</c>,
    /// with <c>foreign_reserved = max(0, reserved − own_store_reserved)</c>.
    /// </summary>
    public static int OnHandToPush(AvailabilityInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var foreignReserved = Math.Max(0m, inputs.OdooReserved - inputs.OwnStoreReserved);
        var value = inputs.OdooOnHand - foreignReserved - Math.Max(0m, inputs.UnreservedDemand) - Math.Max(0m, inputs.PendingChannelOrders)
            + Math.Max(0m, inputs.OwnStoreShippedUnfulfilled) - Math.Max(0m, inputs.SafetyStock);

        // Fractions of a unit cannot be sold: round down. Shopify refuses a negative on_hand (INVALID_QUANTITY_NEGATIVE).
        var floored = Math.Floor(value);
        return floored <= 0 ? 0 : floored >= MaxQuantity ? MaxQuantity : (int)floored;
    }
}
