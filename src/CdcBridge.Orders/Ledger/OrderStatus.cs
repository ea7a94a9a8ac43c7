namespace CdcBridge.Orders.Ledger;

/// <summary>Where a channel order stands on its way into Odoo (column <c>orders.channel_orders.status</c>).</summary>
public static class OrderStatus
{
    /// <summary>On the intake topic, not yet in Odoo: the writer creates and confirms it.</summary>
    public const string Pending = "pending";

    /// <summary>Created and confirmed in Odoo.</summary>
    public const string Written = "written";

    /// <summary>Cancelled in Shopify after it was written: the writer cancels it in Odoo.</summary>
    public const string CancelPending = "cancel_pending";

    /// <summary>Cancelled in Odoo.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Cancelled in Shopify before it was written: it is never created in Odoo.</summary>
    public const string Skipped = "skipped";

    /// <summary>Could not be written (unknown SKU, a validation error...): waits for an operator's fix and a replay.</summary>
    public const string Parked = "parked";

    /// <summary>The status after Shopify reports the order cancelled.</summary>
    public static string AfterCancellation(string status) => status switch
    {
        Pending or Parked => Skipped,
        Written => CancelPending,
        _ => status,
    };
}
