namespace CdcBridge.Inventory;

/// <summary>
/// Everything the policy's value for one SKU at one Shopify location of one store is computed from (product UoM).
/// The names match the fields of retail.inventory.availability.v1.
/// </summary>
public sealed record AvailabilityInputs(
    decimal OdooOnHand,
    decimal OdooReserved,
    decimal OwnStoreReserved,
    decimal UnreservedDemand,
    decimal PendingChannelOrders,
    decimal OwnStoreShippedUnfulfilled,
    decimal SafetyStock);
