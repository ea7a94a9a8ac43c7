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

    internal double EffectiveRestoreRate => RestoreRate ?? (double)(int)Plan;

    internal double EffectiveMaximumAvailable => MaximumAvailable ?? EffectiveRestoreRate * 20;
}
