namespace CdcBridge.Orders.Writer;

/// <summary>The res.partner ids of one order: the customer, where it ships to and where it is invoiced.</summary>
internal sealed record OrderPartners(int CustomerId, int ShippingId, int InvoiceId);
