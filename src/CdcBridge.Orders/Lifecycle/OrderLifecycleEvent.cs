namespace CdcBridge.Orders.Lifecycle;

/// <summary>One stage a channel order reached, as retail.order.lifecycle.v1 carries it (no personal data).</summary>
public sealed record OrderLifecycleEvent(
    string ShopDomain,
    long OrderId,
    string OrderName,
    OrderStage Stage,
    DateTime ReceivedAt,
    DateTime StageAt,
    int AttemptCount)
{
    public DateTime? ChannelCreatedAt { get; init; }

    public int? OdooSaleOrderId { get; init; }

    public string? OdooSaleOrderName { get; init; }

    public string? ParkReason { get; init; }

    public string? WebhookId { get; init; }
}
