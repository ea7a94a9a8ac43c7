namespace CdcBridge.Orders.Writer;

/// <summary>
/// The Odoo sale order a channel order became: its id and name (from Odoo's sequence, e.g. S00042), its state
/// (<c>sale</c> once confirmed, <c>cancel</c>, or <c>draft</c>) and whether this call created it.
/// </summary>
public sealed record OdooOrderOutcome(int SaleOrderId, string SaleOrderName, string State, bool Created);
