using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CdcBridge.Projections;

/// <summary>Every instrument name of the projection runtime, in one place (tag <c>projector</c> on each).</summary>
public static class ProjectionMetrics
{
    public const string MeterName = "CdcBridge.Projections";
    public const string Events = "cdcbridge.projection.events";
    public const string Parked = "cdcbridge.projection.parked";
    public const string BatchDuration = "cdcbridge.projection.batch.duration";
    public const string Lag = "cdcbridge.projection.lag";
    public const string FailedBatches = "cdcbridge.projection.batch.failures";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<string, Func<long>> LagSources = new();

    internal static readonly Counter<long> EventsCounter = Meter.CreateCounter<long>(Events, "{event}", "Records applied to a projection.");
    internal static readonly Counter<long> ParkedCounter = Meter.CreateCounter<long>(Parked, "{event}", "Records set aside with a reason.");
    internal static readonly Counter<long> FailureCounter = Meter.CreateCounter<long>(FailedBatches, "{batch}", "Batches rolled back and retried.");
    internal static readonly Histogram<double> BatchDurationHistogram = Meter.CreateHistogram<double>(BatchDuration, "s", "Poll-to-commit time of a batch.");

    static ProjectionMetrics()
    {
        Meter.CreateObservableGauge(Lag, () => LagSources.Select(s => new Measurement<long>(s.Value(), new KeyValuePair<string, object?>("projector", s.Key))),
            "{record}", "Records in the topics not yet applied (high watermark minus stored position).");
    }

    internal static void RegisterLag(string projector, Func<long> lag) => LagSources[projector] = lag;

    internal static void UnregisterLag(string projector) => LagSources.TryRemove(projector, out _);
}
