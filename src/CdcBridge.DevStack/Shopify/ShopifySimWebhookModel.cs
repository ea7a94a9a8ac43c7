namespace CdcBridge.DevStack.Shopify;

/// <summary>The webhook topics the simulator delivers (Shopify's names, the <c>X-Shopify-Topic</c> header).</summary>
public static class ShopifyWebhookTopics
{
    public const string OrdersCreate = "orders/create";

    public const string OrdersCancelled = "orders/cancelled";
}

/// <summary>
/// How one webhook is delivered, beside Shopify's own retries: <see cref="Duplicates"/> extra sends of the same delivery
/// (same webhook id and body) after it succeeded, as Shopify's at-least-once delivery may do; a delay before the first
/// attempt (to deliver out of order); lines with <c>sku: null</c>, as Shopify sends for variants without a SKU.
/// </summary>
public sealed record ShopifySimWebhookControls
{
    public int Duplicates { get; init; }

    public int DelayMs { get; init; }

    public bool WithoutSku { get; init; }
}

/// <summary>A cancellation as <c>POST /_sim/orders/{id}/cancel</c> takes it (every part optional).</summary>
public sealed record ShopifySimCancelRequest
{
    /// <summary>customer, fraud, inventory, declined, other or staff (Shopify's cancel reasons).</summary>
    public string Reason { get; init; } = "customer";

    /// <summary>Whether the committed units go back to available (Shopify's restock).</summary>
    public bool Restock { get; init; } = true;

    /// <summary>How its orders/cancelled webhook is delivered.</summary>
    public ShopifySimWebhookControls? Webhook { get; init; }
}

/// <summary>
/// One POST of a delivery: when it started, the receiver's status (null when it timed out or the connection failed) and
/// what went wrong, if anything; <see cref="Duplicate"/> for the extra sends asked for by <see cref="ShopifySimWebhookControls.Duplicates"/>.
/// </summary>
public sealed record ShopifySimWebhookAttempt(DateTimeOffset At, int? Status, string? Error, bool Duplicate = false);

/// <summary>
/// One webhook delivery (<c>GET /_sim/webhooks</c>): its id (the same on every retry), the merchant action's event id,
/// the address it was triggered for, its attempts so far, whether one succeeded and whether it is over (delivered and
/// its duplicates sent, or retries exhausted).
/// </summary>
public sealed record ShopifySimWebhookDelivery(
    string WebhookId,
    string Topic,
    long OrderId,
    string EventId,
    DateTimeOffset TriggeredAt,
    Uri Address,
    IReadOnlyList<ShopifySimWebhookAttempt> Attempts,
    bool Delivered,
    bool Finished);

public sealed class ShopifyWebhookAttemptedEventArgs(ShopifySimWebhookDelivery delivery, ShopifySimWebhookAttempt attempt) : EventArgs
{
    /// <summary>The delivery as it stands after the attempt.</summary>
    public ShopifySimWebhookDelivery Delivery { get; } = delivery;

    public ShopifySimWebhookAttempt Attempt { get; } = attempt;
}
