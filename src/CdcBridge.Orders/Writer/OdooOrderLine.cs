namespace CdcBridge.Orders.Writer;

/// <summary>
/// One sale.order.line to write under its external id: the product (product.product id), its description, quantity,
/// unit price and discount in percent.
/// </summary>
internal sealed record OdooOrderLine(string ExternalId, int ProductId, string Description, decimal Quantity, decimal PriceUnit, decimal DiscountPercent);
