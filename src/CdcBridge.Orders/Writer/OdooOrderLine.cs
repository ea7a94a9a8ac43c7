namespace CdcBridge.Orders.Writer;

/// <summary>
/// One sale.order.line to write under its external id: the product (product.product id), its description, quantity,
/// unit price, discount in percent, and its taxes (account.tax ids; empty for an untaxed line, which Odoo must then
/// leave untaxed).
/// </summary>
internal sealed record OdooOrderLine(string ExternalId, int ProductId, string Description, decimal Quantity, decimal PriceUnit, decimal DiscountPercent,
    IReadOnlyList<int> TaxIds);
