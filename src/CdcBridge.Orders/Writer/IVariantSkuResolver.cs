namespace CdcBridge.Orders.Writer;

/// <summary>
/// The SKU of a Shopify variant, for line items whose <c>sku</c> came empty (Shopify sends null for a variant without
/// one, and orders created before a SKU was set keep the old value).
/// </summary>
public interface IVariantSkuResolver
{
    /// <summary>The variant's SKU now; null when the variant does not exist (any more) or has none.</summary>
    Task<string?> SkuOfVariantAsync(string shopDomain, long variantId, CancellationToken ct);
}
