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
        Names.WebhookAcceptDuration, "s", "Time to answer a Shopify webhook delivery.");

    /// <summary>
    /// Line items that came without SKU, by what the intake's variant lookup found (tag <see cref="Tags.Outcome"/>:
    /// resolved, none, failed, timeout).
    /// </summary>
    internal static Counter<long> IntakeSkuLookups { get; } = Meter.CreateCounter<long>(
        Names.IntakeSkuLookups, "{line}", "Order lines without SKU looked up by variant at intake, by outcome.");

    /// <summary>HTTP requests sent to Odoo, every attempt (tags <c>call</c> = model.method, <see cref="Tags.Outcome"/>: ok, odoo_error, transient).</summary>
    internal static Counter<long> OdooRequests { get; } = Meter.CreateCounter<long>(Names.OdooRequests, "{request}", "HTTP requests sent to Odoo");

    /// <summary>Odoo calls sent again after transient failures.</summary>
    internal static Counter<long> OdooRetries { get; } = Meter.CreateCounter<long>(Names.OdooRetries, "{retry}", "Odoo calls sent again after transient failures");

    /// <summary>Odoo calls that failed for good, after retries or at once when permanent (tags <c>call</c>, <c>transient</c>).</summary>
    internal static Counter<long> OdooFailures { get; } = Meter.CreateCounter<long>(Names.OdooFailures, "{call}", "Odoo calls that failed for good");

    /// <summary>Time a request waited for a token of the Odoo request throttle (tag <c>call</c>).</summary>
    internal static Histogram<double> OdooThrottleWait { get; } = Meter.CreateHistogram<double>(Names.OdooThrottleWait, "s", "Wait for the Odoo request throttle");

    /// <summary>Time from sending a request to Odoo to reading its answer (tag <c>call</c>).</summary>
    internal static Histogram<double> OdooRequestDuration { get; } = Meter.CreateHistogram<double>(Names.OdooRequestDuration, "s", "Odoo request duration");

    /// <summary>Channel orders written to or cancelled in Odoo (tags <c>operation</c>: write, cancel; <see cref="Tags.Outcome"/>: one of <see cref="WriterOutcomes"/>).</summary>
    internal static Counter<long> WriterOrders { get; } = Meter.CreateCounter<long>(Names.WriterOrders, "{order}", "Channel orders written to or cancelled in Odoo, by outcome");

    /// <summary>Creates that lost a race to a concurrent writer of the same order or buyer and were sent again.</summary>
    internal static Counter<long> WriterRaces { get; } = Meter.CreateCounter<long>(Names.WriterRaces, "{race}", "Odoo creates sent again after losing a race");

    /// <summary>Time of one write or cancel (tag <c>operation</c>).</summary>
    internal static Histogram<double> WriterDuration { get; } = Meter.CreateHistogram<double>(Names.WriterDuration, "s", "Time to write or cancel one order in Odoo");

    public static class Names
    {
        public const string WebhooksAccepted = "cdcbridge.orders.webhooks.accepted";
        public const string WebhooksDuplicate = "cdcbridge.orders.webhooks.duplicate";
        public const string WebhooksParked = "cdcbridge.orders.webhooks.parked";
        public const string WebhooksRejected = "cdcbridge.orders.webhooks.rejected";
        public const string WebhookAcceptDuration = "cdcbridge.orders.webhooks.accept.duration";
        public const string IntakeSkuLookups = "cdcbridge.orders.intake.sku_lookups";
        public const string OdooRequests = "cdcbridge.odoo.requests";
        public const string OdooRetries = "cdcbridge.odoo.retries";
        public const string OdooFailures = "cdcbridge.odoo.failures";
        public const string OdooThrottleWait = "cdcbridge.odoo.throttle.wait";
        public const string OdooRequestDuration = "cdcbridge.odoo.request.duration";
        public const string WriterOrders = "cdcbridge.orders.writer.orders";
        public const string WriterRaces = "cdcbridge.orders.writer.races";
        public const string WriterDuration = "cdcbridge.orders.writer.duration";
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

    /// <summary>Values of <see cref="Tags.Outcome"/> on <see cref="Names.WriterOrders"/>.</summary>
    public static class WriterOutcomes
    {
        /// <summary>Created and confirmed now.</summary>
        public const string Created = "created";

        /// <summary>Odoo already held it (a redelivery, or a writer stopped between create and confirm); confirmed if it was still a draft.</summary>
        public const string Existing = "existing";

        public const string Cancelled = "cancelled";

        /// <summary>A cancel for an order Odoo never held.</summary>
        public const string NotFound = "not_found";

        public const string Permanent = "failed_permanent";

        public const string Transient = "failed_transient";
    }
}
