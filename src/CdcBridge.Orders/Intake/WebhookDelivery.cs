namespace CdcBridge.Orders.Intake;

/// <summary>
/// What the headers and the receiver say about one delivery, as the canonical record carries it beside the payload.
/// </summary>
/// <param name="WebhookId">X-Shopify-Webhook-Id: the dedupe key.</param>
/// <param name="EventId">X-Shopify-Event-Id, or null.</param>
/// <param name="Topic">X-Shopify-Topic, one of the order topics of <see cref="ChannelOrderSchema"/>.</param>
/// <param name="ApiVersion">X-Shopify-API-Version, or null.</param>
/// <param name="TriggeredAt">X-Shopify-Triggered-At in UTC, or null when absent or unreadable.</param>
/// <param name="ShopDomain">X-Shopify-Shop-Domain, lower case.</param>
/// <param name="ReceivedAt">When the receiver took the delivery (UTC).</param>
public sealed record WebhookDelivery(
    string WebhookId,
    string? EventId,
    string Topic,
    string? ApiVersion,
    DateTime? TriggeredAt,
    string ShopDomain,
    DateTime ReceivedAt);
