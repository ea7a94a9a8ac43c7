namespace CdcBridge.Channels.Shopify;

/// <summary>
/// A store's plan, which sets its GraphQL Admin cost bucket (restore rate in points per second; the bucket holds 20 s of
/// it). Source: Shopify's API rate-limit documentation (Standard 100, Advanced 200, Plus 1,000, Enterprise 2,000
/// points/s). The client learns the real figures from <c>extensions.cost.throttleStatus</c>; the plan only seeds the
/// estimate so the first requests are paced too.
/// </summary>
public enum ShopifyStorePlan
{
    Standard,
    Advanced,
    Plus,
    Enterprise,
}

public static class ShopifyStorePlanLimits
{
    public static double RestoreRate(this ShopifyStorePlan plan) => plan switch
    {
        ShopifyStorePlan.Standard => 100,
        ShopifyStorePlan.Advanced => 200,
        ShopifyStorePlan.Plus => 1_000,
        ShopifyStorePlan.Enterprise => 2_000,
        _ => throw new ArgumentOutOfRangeException(nameof(plan), plan, "Unknown Shopify plan."),
    };

    /// <summary>The status a full bucket of this plan reports.</summary>
    public static ShopifyThrottleStatus FullBucket(this ShopifyStorePlan plan) =>
        new(plan.RestoreRate() * 20, plan.RestoreRate() * 20, plan.RestoreRate());
}
