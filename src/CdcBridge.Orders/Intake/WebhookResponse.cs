namespace CdcBridge.Orders.Intake;

/// <summary>
/// The answer to a delivery. Shopify only looks at the status (any 2xx is success; anything else is retried with the
/// original payload); <see cref="Reason"/> is for people reading logs and never echoes the payload.
/// </summary>
public sealed record WebhookResponse(int StatusCode, WebhookOutcome Outcome, string? Reason = null)
{
    /// <summary>The outcome as the answer's body and the metrics' tag write it: "accepted", "duplicate", ...</summary>
    public string OutcomeName => Outcome switch
    {
        WebhookOutcome.Accepted => "accepted",
        WebhookOutcome.Duplicate => "duplicate",
        WebhookOutcome.Parked => "parked",
        WebhookOutcome.Rejected => "rejected",
        _ => "unavailable",
    };
}

public enum WebhookOutcome
{
    /// <summary>200: the order is on the intake topic.</summary>
    Accepted,

    /// <summary>200: this webhook id was accepted before; nothing produced.</summary>
    Duplicate,

    /// <summary>200: a topic the intake does not handle, kept in orders.parked_webhooks.</summary>
    Parked,

    /// <summary>4xx: Shopify's retries would fail the same way (or the sender is not Shopify).</summary>
    Rejected,

    /// <summary>503: Kafka, the registry or the database failed; Shopify's retry may succeed.</summary>
    Unavailable,
}
