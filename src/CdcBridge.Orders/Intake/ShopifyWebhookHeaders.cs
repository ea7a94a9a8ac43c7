namespace CdcBridge.Orders.Intake;

/// <summary>
/// The headers Shopify sends with every webhook delivery (names are case-insensitive, as in any HTTP header).
/// </summary>
public static class ShopifyWebhookHeaders
{
    /// <summary>The webhook topic, e.g. <c>orders/create</c>.</summary>
    public const string Topic = "X-Shopify-Topic";

    /// <summary>Base64 of HMAC-SHA256 over the raw body, keyed with the app's client secret.</summary>
    public const string HmacSha256 = "X-Shopify-Hmac-Sha256";

    /// <summary>The shop's permanent myshopify domain.</summary>
    public const string ShopDomain = "X-Shopify-Shop-Domain";

    /// <summary>The API version the payload is shaped by, e.g. <c>2026-04</c>.</summary>
    public const string ApiVersion = "X-Shopify-API-Version";

    /// <summary>Unique per delivery and the same on Shopify's retries: the dedupe key.</summary>
    public const string WebhookId = "X-Shopify-Webhook-Id";

    /// <summary>When Shopify fired the event (ISO 8601).</summary>
    public const string TriggeredAt = "X-Shopify-Triggered-At";

    /// <summary>The same for every subscription's delivery of one event.</summary>
    public const string EventId = "X-Shopify-Event-Id";
}
