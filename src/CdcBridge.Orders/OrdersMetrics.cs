using System.Diagnostics.Metrics;

namespace CdcBridge.Orders;

/// <summary>
/// The Orders room's instruments on one meter, <see cref="MeterName"/>, with every instrument and tag name in
/// <see cref="Names"/> and <see cref="Tags"/> so dashboards and tests have one place to look. New parts of the room add
/// their names there and their instruments below.
/// </summary>
public static class OrdersMetrics
{
    public const string MeterName = "CdcBridge.Orders";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Shopify webhook deliveries put on the intake topic (tag <see cref="Tags.Topic"/>).</summary>
    internal static Counter<long> WebhooksAccepted { get; } = Meter.CreateCounter<long>(
        Names.WebhooksAccepted, "{webhook}", "Shopify webhook deliveries accepted onto the intake topic.");

    /// <summary>Deliveries whose webhook id was already logged: answered 200, nothing produced (tag <see cref="Tags.Topic"/>).</summary>
    internal static Counter<long> WebhooksDuplicate { get; } = Meter.CreateCounter<long>(
        Names.WebhooksDuplicate, "{webhook}", "Shopify webhook deliveries already accepted before (Shopify retries).");

    /// <summary>Authentic deliveries of topics the intake does not handle, kept for replay (tag <see cref="Tags.Topic"/>).</summary>
    internal static Counter<long> WebhooksParked { get; } = Meter.CreateCounter<long>(
        Names.WebhooksParked, "{webhook}", "Shopify webhook deliveries of unhandled topics, parked for replay.");

    /// <summary>Deliveries answered with an error status (tag <see cref="Tags.Reason"/>, one of <see cref="RejectReasons"/>).</summary>
    internal static Counter<long> WebhooksRejected { get; } = Meter.CreateCounter<long>(
        Names.WebhooksRejected, "{webhook}", "Shopify webhook deliveries rejected, by reason.");

    /// <summary>Time from a delivery's arrival to its answer (tag <see cref="Tags.Outcome"/>); Shopify gives up after 5 s.</summary>
    internal static Histogram<double> WebhookAcceptDuration { get; } = Meter.CreateHistogram<double>(
        Names.WebhookAcceptDuration, "ms", "Time to answer a Shopify webhook delivery.");

    /// <summary>
    /// Line items that came without SKU, by what the intake's variant lookup found (tag <see cref="Tags.Outcome"/>:
    /// resolved, none, failed, timeout).
    /// </summary>
    internal static Counter<long> IntakeSkuLookups { get; } = Meter.CreateCounter<long>(
        Names.IntakeSkuLookups, "{line}", "Order lines without SKU looked up by variant at intake, by outcome.");

    public static class Names
    {
        public const string WebhooksAccepted = "cdcbridge.orders.webhooks.accepted";
        public const string WebhooksDuplicate = "cdcbridge.orders.webhooks.duplicate";
        public const string WebhooksParked = "cdcbridge.orders.webhooks.parked";
        public const string WebhooksRejected = "cdcbridge.orders.webhooks.rejected";
        public const string WebhookAcceptDuration = "cdcbridge.orders.webhooks.accept.duration";
        public const string IntakeSkuLookups = "cdcbridge.orders.intake.sku_lookups";
    }

    public static class Tags
    {
        public const string Topic = "topic";
        public const string Reason = "reason";
        public const string Outcome = "outcome";
    }

    /// <summary>Values of <see cref="Tags.Reason"/> on <see cref="Names.WebhooksRejected"/>.</summary>
    public static class RejectReasons
    {
        /// <summary>413: the body exceeds the configured limit.</summary>
        public const string Size = "size";

        /// <summary>401: the HMAC header is missing or matches none of the secrets.</summary>
        public const string Signature = "signature";

        /// <summary>400: a required Shopify header (shop domain, webhook id, topic) is missing.</summary>
        public const string Headers = "headers";

        /// <summary>400: the body is not a readable order.</summary>
        public const string Payload = "payload";

        /// <summary>503: the schema registry could not give the schema id.</summary>
        public const string Registry = "registry";

        /// <summary>503: Kafka did not acknowledge the record.</summary>
        public const string Kafka = "kafka";

        /// <summary>503: the sidecar database (delivery log) failed.</summary>
        public const string Database = "database";
    }
}
