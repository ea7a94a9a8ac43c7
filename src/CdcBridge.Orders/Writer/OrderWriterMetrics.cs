using System.Diagnostics.Metrics;

namespace CdcBridge.Orders.Writer;

/// <summary>The Odoo order writer's instruments, on the Orders room's meter (<see cref="OrdersMetrics.MeterName"/>).</summary>
public static class OrderWriterMetrics
{
    /// <summary>Writes and cancels by <c>outcome</c>: one of <see cref="Outcomes"/>.</summary>
    public const string Orders = "cdcbridge.orders.writer.orders";

    /// <summary>Creates that lost a race to a concurrent writer of the same order or buyer and were sent again.</summary>
    public const string Races = "cdcbridge.orders.writer.races";

    /// <summary>Time of one write or cancel (seconds), tagged <c>operation</c> (write, cancel).</summary>
    public const string Duration = "cdcbridge.orders.writer.duration";

    private static readonly Meter Meter = new(OrdersMetrics.MeterName);

    internal static readonly Counter<long> OrdersCounter = Meter.CreateCounter<long>(Orders, "{order}", "Channel orders written to or cancelled in Odoo, by outcome");

    internal static readonly Counter<long> RacesCounter = Meter.CreateCounter<long>(Races, "{race}", "Odoo creates sent again after losing a race");

    internal static readonly Histogram<double> DurationHistogram = Meter.CreateHistogram<double>(Duration, "s", "Time to write or cancel one order in Odoo");

    public static class Outcomes
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
