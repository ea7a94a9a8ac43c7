using System.Diagnostics.Metrics;

namespace CdcBridge.Orders.Odoo;

/// <summary>The Odoo client's instruments, on the Orders room's meter (<see cref="OrdersMetrics.MeterName"/>); tag <c>call</c> is model.method.</summary>
public static class OdooClientMetrics
{
    /// <summary>HTTP requests sent to Odoo (every attempt), tagged <c>outcome</c>: ok, odoo_error, transient.</summary>
    public const string Requests = "cdcbridge.odoo.requests";

    /// <summary>Retries after transient failures.</summary>
    public const string Retries = "cdcbridge.odoo.retries";

    /// <summary>Calls that failed for good (after retries, or at once when permanent), tagged <c>transient</c>.</summary>
    public const string Failures = "cdcbridge.odoo.failures";

    /// <summary>Time a request waited for a throttle token (seconds).</summary>
    public const string ThrottleWait = "cdcbridge.odoo.throttle.wait";

    /// <summary>Time from sending a request to reading its answer (seconds).</summary>
    public const string Duration = "cdcbridge.odoo.request.duration";

    private static readonly Meter Meter = new(OrdersMetrics.MeterName);

    internal static readonly Counter<long> RequestsCounter = Meter.CreateCounter<long>(Requests, "{request}", "HTTP requests sent to Odoo");

    internal static readonly Counter<long> RetriesCounter = Meter.CreateCounter<long>(Retries, "{retry}", "Odoo calls sent again after transient failures");

    internal static readonly Counter<long> FailuresCounter = Meter.CreateCounter<long>(Failures, "{call}", "Odoo calls that failed for good");

    internal static readonly Histogram<double> ThrottleWaitHistogram = Meter.CreateHistogram<double>(ThrottleWait, "s", "Wait for the Odoo request throttle");

    internal static readonly Histogram<double> DurationHistogram = Meter.CreateHistogram<double>(Duration, "s", "Odoo request duration");
}
