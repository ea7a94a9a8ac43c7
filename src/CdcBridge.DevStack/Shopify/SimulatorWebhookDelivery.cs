namespace CdcBridge.DevStack.Shopify;

/// <summary>
/// One delivery in flight: what is sent on every attempt (the body and its HMAC, fixed at trigger time, as Shopify's
/// retries carry the original payload) and the attempts so far.
/// </summary>
internal sealed class SimulatorWebhookDelivery(
    string webhookId,
    string topic,
    long orderId,
    string eventId,
    DateTimeOffset triggeredAt,
    Uri address,
    byte[] body,
    string hmac,
    ShopifySimWebhookControls controls)
{
    private readonly object _gate = new();
    private readonly List<ShopifySimWebhookAttempt> _attempts = [];
    private readonly TaskCompletionSource<ShopifySimWebhookDelivery> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _delivered;
    private bool _isFinished;

    public string WebhookId { get; } = webhookId;

    public string Topic { get; } = topic;

    public long OrderId { get; } = orderId;

    public string EventId { get; } = eventId;

    public DateTimeOffset TriggeredAt { get; } = triggeredAt;

    public Uri Address { get; } = address;

    public ReadOnlyMemory<byte> Body { get; } = body;

    public string Hmac { get; } = hmac;

    public ShopifySimWebhookControls Controls { get; } = controls;

    /// <summary>Completes with the final state once the delivery is over.</summary>
    public Task<ShopifySimWebhookDelivery> Finished => _finished.Task;

    public ShopifySimWebhookDelivery Record(ShopifySimWebhookAttempt attempt, bool succeeded)
    {
        lock (_gate)
        {
            _attempts.Add(attempt);
            _delivered |= succeeded && !attempt.Duplicate;
            return SnapshotLocked();
        }
    }

    public void Finish()
    {
        ShopifySimWebhookDelivery final;
        lock (_gate)
        {
            _isFinished = true;
            final = SnapshotLocked();
        }

        _finished.TrySetResult(final);
    }

    public ShopifySimWebhookDelivery Snapshot()
    {
        lock (_gate)
        {
            return SnapshotLocked();
        }
    }

    private ShopifySimWebhookDelivery SnapshotLocked() =>
        new(WebhookId, Topic, OrderId, EventId, TriggeredAt, Address, [.. _attempts], _delivered, _isFinished);
}
