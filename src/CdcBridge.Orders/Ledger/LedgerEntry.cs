namespace CdcBridge.Orders.Ledger;

/// <summary>One channel order in <c>orders.channel_orders</c>: the newest intake record and what the writer did with it.</summary>
public sealed record LedgerEntry(
    string ShopDomain,
    long OrderId,
    string Name,
    string Status,
    bool Cancelled,
    DateTime UpdatedAt,
    DateTime ReceivedAt,
    DateTime? ChannelCreatedAt,
    string? WebhookId,
    byte[] RecordValue,
    int Attempts,
    string? LastError,
    string? ParkReason,
    int? OdooSaleOrderId,
    string? OdooSaleOrderName)
{
    /// <summary>The intake and lifecycle topics' key: <c>&lt;shop domain&gt;:&lt;order id&gt;</c>.</summary>
    public string Key => KeyOf(ShopDomain, OrderId);

    public static string KeyOf(string shopDomain, long orderId) => $"{shopDomain}:{orderId}";
}
