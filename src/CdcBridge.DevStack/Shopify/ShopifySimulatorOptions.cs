namespace CdcBridge.DevStack.Shopify;

/// <summary>Shopify plans by GraphQL Admin restore rate (points per second); the bucket holds 20 seconds of it.</summary>
public enum ShopifyPlan
{
    Standard = 100,
    Advanced = 200,
    Plus = 1000,
    Enterprise = 2000,
}

public sealed record ShopifySimulatorOptions
{
    public string ShopDomain { get; init; } = "cdcbridge-dev.myshopify.com";

    /// <summary>The Admin API access token the simulator accepts (a fixed development value by default).</summary>
    public string AccessToken { get; init; } = "shpat_dev_simulator";

    public ShopifyPlan Plan { get; init; } = ShopifyPlan.Standard;

    /// <summary>Overrides the plan's restore rate (points per second), e.g. a fast tiny bucket for tests.</summary>
    public double? RestoreRate { get; init; }

    /// <summary>Overrides the bucket size (points); default 20 × the restore rate.</summary>
    public double? MaximumAvailable { get; init; }

    public ShopifyCatalog Catalog { get; init; } = ShopifyCatalog.Empty;

    /// <summary>The clock of the bucket's refill, idempotency key retention, throttle storms and timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long idempotency keys are remembered (Shopify does not document it; at least 24 h here).</summary>
    public TimeSpan IdempotencyKeyRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The app's client secret that signs webhook deliveries (<c>X-Shopify-Hmac-Sha256</c>). A fixed development value by
    /// default: it belongs to no real store or app and is not a credential.
    /// </summary>
    public string WebhookSecret { get; init; } = "cdcbridge-dev-webhook-secret";

    /// <summary>
    /// The waits before each retry of a failed delivery (its count is the number of retries). Real Shopify retries 8 times
    /// over 4 hours with exponential backoff (since 2024-09-10, shopify.dev changelog "updates to webhook retry
    /// mechanism"); the simulator keeps the 8 retries and the doubling, compressed to 0.5 s, 1 s, 2 s, ... capped at 30 s.
    /// </summary>
    public IReadOnlyList<TimeSpan> WebhookRetryDelays { get; init; } = DefaultWebhookRetryDelays;

    /// <summary>How long one delivery attempt may take in all, as Shopify's 5 s (its connect timeout is 1 s).</summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>0.5 s doubling to a 30 s cap, 8 retries: 0.5, 1, 2, 4, 8, 16, 30, 30 seconds.</summary>
    public static IReadOnlyList<TimeSpan> DefaultWebhookRetryDelays { get; } =
        [.. Enumerable.Range(0, 8).Select(i => TimeSpan.FromMilliseconds(Math.Min(500 * Math.Pow(2, i), 30_000)))];

    internal double EffectiveRestoreRate => RestoreRate ?? (double)(int)Plan;

    internal double EffectiveMaximumAvailable => MaximumAvailable ?? EffectiveRestoreRate * 20;
}
