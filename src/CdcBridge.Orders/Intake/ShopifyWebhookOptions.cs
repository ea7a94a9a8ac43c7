namespace CdcBridge.Orders.Intake;

public sealed record ShopifyWebhookOptions
{
    /// <summary>
    /// The app's client secrets, any of which may sign a delivery: after a rotation Shopify may keep signing with the old
    /// secret for up to an hour, so both stay here until then.
    /// </summary>
    public required IReadOnlyList<string> Secrets { get; init; }

    /// <summary>Larger bodies are answered 413 without being read further.</summary>
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    public string IntakeTopic { get; init; } = OrdersRoom.IntakeTopic;

    /// <summary>
    /// How long Kafka may take to acknowledge a record before the delivery is answered 503. Shopify stops waiting after
    /// 5 s and retries; a longer wait still lets the record land and its retry be answered as a duplicate.
    /// </summary>
    public TimeSpan ProduceTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the variant lookups of one delivery's SKU-less lines may take together (only such lines pay it). Shopify
    /// waits 5 s for the answer, and Kafka's acknowledgement still has to follow.
    /// </summary>
    public TimeSpan SkuLookupBudget { get; init; } = TimeSpan.FromMilliseconds(1500);

    internal void Validate()
    {
        if (Secrets is null || Secrets.Count == 0 || Secrets.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("At least one webhook secret is required, and none may be empty.", nameof(Secrets));
        }

        if (MaxBodyBytes is <= 0 or >= int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), MaxBodyBytes, "The body limit must be positive and below 2 GiB.");
        }

        if (string.IsNullOrWhiteSpace(IntakeTopic))
        {
            throw new ArgumentException("The intake topic is required.", nameof(IntakeTopic));
        }

        if (ProduceTimeout < TimeSpan.FromMilliseconds(100) || ProduceTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(ProduceTimeout), ProduceTimeout, "The produce timeout must be between 100 ms and 5 minutes.");
        }

        if (SkuLookupBudget <= TimeSpan.Zero || SkuLookupBudget > TimeSpan.FromSeconds(4))
        {
            throw new ArgumentOutOfRangeException(nameof(SkuLookupBudget), SkuLookupBudget, "The SKU lookup budget must be positive and at most 4 s (Shopify waits 5 s for the answer).");
        }
    }
}
