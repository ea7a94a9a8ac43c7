using System.Globalization;
using System.Text.Json.Nodes;

namespace CdcBridge.Channels.Shopify;

/// <summary>One variant's SKU by id, for order lines whose SKU came empty (the Orders room's Odoo writer).</summary>
public sealed partial class ShopifyInventoryClient
{
    internal const string VariantSkuOperation = "CdcBridgeVariantSku";

    // One ProductVariant.
    internal const int VariantSkuCost = 1;

    internal const string VariantSku = """
        query CdcBridgeVariantSku($id: ID!) {
          productVariant(id: $id) { id sku }
        }
        """;

    /// <summary>
    /// The SKU of the variant now, through the same pacing, retries and circuit breaker as every call; null when the
    /// variant does not exist (any more) or has no SKU (Shopify answers null or an empty string).
    /// </summary>
    public async Task<string?> GetVariantSkuAsync(long variantId, CancellationToken ct)
    {
        var gid = string.Create(CultureInfo.InvariantCulture, $"gid://shopify/ProductVariant/{variantId}");
        var data = await QueryAsync(VariantSkuOperation, VariantSku, new JsonObject { ["id"] = gid }, VariantSkuCost, ct);
        return data["productVariant"]?["sku"]?.GetValue<string>() is { Length: > 0 } sku ? sku : null;
    }
}
