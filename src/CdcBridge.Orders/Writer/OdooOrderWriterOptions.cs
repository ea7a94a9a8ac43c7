namespace CdcBridge.Orders.Writer;

/// <summary>How channel orders become Odoo sale orders.</summary>
public sealed record OdooOrderWriterOptions
{
    /// <summary>
    /// Odoo's own delivery module ships its "Standard delivery" service product with this Internal Reference
    /// (<c>[Delivery_007] Standard delivery</c>).
    /// </summary>
    public const string OdooStandardDeliveryCode = "Delivery_007";

    /// <summary>The module of every external id the writer makes (ir.model.data.module), e.g. <c>cdcbridge.shopify_order_...</c>.</summary>
    public string ExternalIdModule { get; init; } = "cdcbridge";

    /// <summary>
    /// Internal Reference (<c>default_code</c>) of the service product shipping lines are written with. It must exist in
    /// Odoo when an order has shipping lines, else the order fails permanently and names it.
    /// </summary>
    public string ShippingProductCode { get; init; } = OdooStandardDeliveryCode;

    /// <summary>The warehouse (stock.warehouse id) orders ship from; null leaves Odoo's default (the company's first warehouse).</summary>
    public int? WarehouseId { get; init; }

    /// <summary>The <c>lang</c> of the context of every call (names of new partners, product descriptions).</summary>
    public string Language { get; init; } = "en_US";

    /// <summary>How many times a create that lost a race (another writer of the same order or customer) is tried again.</summary>
    public int MaxRaceAttempts { get; init; } = 4;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ExternalIdModule);
        if (ExternalIdModule.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"An external id module has no dot: '{ExternalIdModule}'.", nameof(ExternalIdModule));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(ShippingProductCode);
        ArgumentException.ThrowIfNullOrWhiteSpace(Language);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRaceAttempts);
    }
}
