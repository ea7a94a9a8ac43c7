namespace CdcBridge.Inventory;

/// <summary>
/// A channel order as the intake topic (retail.channel.order.v1) last described it. Until Odoo holds it, its units
/// count against what the other stores may sell (see docs/inventory-policy.md).
/// </summary>
public sealed record ChannelOrder(string ShopDomain, long OrderId, string Name, DateTime UpdatedAt, bool Cancelled, IReadOnlyList<ChannelOrderLine> Lines)
{
    /// <summary>
    /// What the Odoo writer puts in <c>sale_order.origin</c> for this order, and how availability recognises the Odoo
    /// order (and its moves) as this channel order: <c>shopify:&lt;shop domain&gt;:&lt;order id&gt;</c>.
    /// </summary>
    public string OdooOrigin => OriginFor(ShopDomain, OrderId);

    public static string OriginFor(string shopDomain, long orderId) => $"shopify:{shopDomain}:{orderId}";

    /// <summary>The store of an Odoo sale order, from its origin; null for orders not taken by a channel.</summary>
    public static string? ShopOfOrigin(string? origin)
    {
        if (origin is null || !origin.StartsWith("shopify:", StringComparison.Ordinal))
        {
            return null;
        }

        var last = origin.LastIndexOf(':');
        return last > "shopify:".Length ? origin["shopify:".Length..last] : null;
    }
}

public sealed record ChannelOrderLine(string? Sku, int Quantity);
