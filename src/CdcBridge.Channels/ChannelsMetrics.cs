using System.Diagnostics.Metrics;

namespace CdcBridge.Channels;

/// <summary>Every instrument name of the Channels room, in one place (tag <c>shop</c>).</summary>
public static class ChannelsMetrics
{
    public const string MeterName = Shopify.ShopifyMetrics.MeterName;
    public const string Pushed = "cdcbridge.shopify.quantities_set";
    public const string Stale = "cdcbridge.shopify.stale_retries";
    public const string Parked = "cdcbridge.shopify.parked";
    public const string ApplyLatency = "cdcbridge.shopify.commit_to_apply";

    // One Meter instance for the room, shared with the Shopify client's instruments.
    private static Meter Meter => Shopify.ShopifyMetrics.Meter;

    internal static readonly Counter<long> PushedCounter = Meter.CreateCounter<long>(Pushed, "{quantity}", "Quantities Shopify applied.");
    internal static readonly Counter<long> StaleCounter = Meter.CreateCounter<long>(Stale, "{quantity}", "Compare-and-set conflicts re-read and retried.");
    internal static readonly Counter<long> ParkedCounter = Meter.CreateCounter<long>(Parked, "{quantity}", "Pushes Shopify refused for good.");
    internal static readonly Histogram<double> ApplyLatencyHistogram = Meter.CreateHistogram<double>(ApplyLatency, "s", "Odoo commit to Shopify acknowledging the quantity.");
}
