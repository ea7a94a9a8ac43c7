namespace CdcBridge.Orders.Intake;

/// <summary>
/// One webhook delivery as it arrived: the Shopify headers (null when absent) and the raw body, byte for byte (the HMAC
/// is over these bytes, so nothing may re-encode them first).
/// </summary>
public sealed record WebhookRequest
{
    public string? Topic { get; init; }

    public string? HmacSha256 { get; init; }

    public string? ShopDomain { get; init; }

    public string? ApiVersion { get; init; }

    public string? WebhookId { get; init; }

    public string? TriggeredAt { get; init; }

    public string? EventId { get; init; }

    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>A request from a header lookup (by <see cref="ShopifyWebhookHeaders"/> name, case-insensitive) and the body.</summary>
    public static WebhookRequest FromHeaders(Func<string, string?> header, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new WebhookRequest
        {
            Topic = header(ShopifyWebhookHeaders.Topic),
            HmacSha256 = header(ShopifyWebhookHeaders.HmacSha256),
            ShopDomain = header(ShopifyWebhookHeaders.ShopDomain),
            ApiVersion = header(ShopifyWebhookHeaders.ApiVersion),
            WebhookId = header(ShopifyWebhookHeaders.WebhookId),
            TriggeredAt = header(ShopifyWebhookHeaders.TriggeredAt),
            EventId = header(ShopifyWebhookHeaders.EventId),
            Body = body,
        };
    }
}
