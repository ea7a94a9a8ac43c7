using System.Diagnostics.Metrics;

namespace CdcBridge.Channels.Shopify;

/// <summary>The instruments of the Shopify client, on the <c>CdcBridge.Channels</c> meter; tags <c>shop</c> and <c>operation</c>.</summary>
public static class ShopifyMetrics
{
    public const string MeterName = "CdcBridge.Channels";

    /// <summary>GraphQL requests sent (every attempt), tagged with <c>outcome</c>: ok, throttled, user_errors, error, transient.</summary>
    public const string Calls = "cdcbridge.shopify.calls";

    /// <summary>Actual query cost charged by Shopify (points).</summary>
    public const string Cost = "cdcbridge.shopify.cost";

    /// <summary>THROTTLED answers.</summary>
    public const string Throttled = "cdcbridge.shopify.throttled";

    /// <summary>Retries after transient failures.</summary>
    public const string Retries = "cdcbridge.shopify.retries";

    /// <summary>Time spent waiting for the cost bucket before sending (seconds).</summary>
    public const string PacingWait = "cdcbridge.shopify.pacing.wait";

    internal static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> CallsCounter = Meter.CreateCounter<long>(Calls, "{request}", "Shopify GraphQL requests sent");

    internal static readonly Counter<double> CostCounter = Meter.CreateCounter<double>(Cost, "{point}", "Actual Shopify query cost");

    internal static readonly Counter<long> ThrottledCounter = Meter.CreateCounter<long>(Throttled, "{request}", "THROTTLED answers");

    internal static readonly Counter<long> RetriesCounter = Meter.CreateCounter<long>(Retries, "{retry}", "Retries after transient failures");

    internal static readonly Histogram<double> PacingWaitHistogram = Meter.CreateHistogram<double>(PacingWait, "s", "Wait for the cost bucket before a request");
}
