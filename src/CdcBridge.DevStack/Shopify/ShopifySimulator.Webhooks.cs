namespace CdcBridge.DevStack.Shopify;

/// <summary>The simulator's webhook subscription (one address for all topics) and the record of its deliveries.</summary>
public sealed partial class ShopifySimulator
{
    /// <summary>Raised after every delivery attempt (a background thread), with the delivery as it then stands.</summary>
    public event EventHandler<ShopifyWebhookAttemptedEventArgs>? WebhookAttempted;

    /// <summary>The client secret deliveries are signed with (<see cref="ShopifySimulatorOptions.WebhookSecret"/>).</summary>
    public string WebhookSecret => _options.WebhookSecret;

    /// <summary>Where webhooks go now; null without a subscription.</summary>
    public Uri? WebhookAddress => _webhooks.Address;

    /// <summary>
    /// Subscribes <paramref name="address"/> to the orders topics (replacing an earlier subscription). Deliveries already
    /// triggered keep going to the address of their trigger time, as Shopify's retries do.
    /// </summary>
    public void SubscribeWebhooks(Uri address) => _webhooks.Subscribe(address);

    /// <summary>Ends the subscription: later events deliver nothing.</summary>
    public void UnsubscribeWebhooks() => _webhooks.Unsubscribe();

    /// <summary>Every delivery triggered so far (oldest first), as <c>GET /_sim/webhooks</c> lists them.</summary>
    public IReadOnlyList<ShopifySimWebhookDelivery> WebhookDeliveries() => _webhooks.Deliveries();

    /// <summary>
    /// Completes with the delivery once it is over: delivered (and its duplicates sent) or its retries exhausted.
    /// Throws <see cref="ShopifySimulatorException"/> for an unknown webhook id.
    /// </summary>
    public Task<ShopifySimWebhookDelivery> WaitForDeliveryAsync(string webhookId, CancellationToken ct) => _webhooks.WaitAsync(webhookId, ct);
}
