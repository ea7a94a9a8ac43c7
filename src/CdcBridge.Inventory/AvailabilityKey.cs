namespace CdcBridge.Inventory;

/// <summary>One SKU at one Shopify location of one store: the key of retail.inventory.availability.v1.</summary>
public readonly record struct AvailabilityKey(string ShopDomain, string Sku, long ShopifyLocationId);

/// <summary>The policy's value for a key and the inputs and Odoo locations that explain it.</summary>
public sealed record AvailabilityResult(AvailabilityKey Key, int OdooProductId, AvailabilityInputs Inputs, int OnHand, IReadOnlyList<int> OdooLocationIds);
