using System.Diagnostics;
using System.Diagnostics.Metrics;
using CdcBridge.Projections;
using Npgsql;

namespace CdcBridge.Benchmarks.Availability;

/// <summary>
/// A projector passed through unchanged, timing its <see cref="IProjector.ApplyAsync"/> (the fold into memory, the
/// recompute, the row/JSON/Avro encoding and the projector's own SQL). The runner's decode comes before it.
/// </summary>
internal sealed class TimedProjector(IProjector inner) : PassThroughProjector(inner)
{
    private long _applyTicks;
    private long _batches;

    public TimeSpan Apply => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _applyTicks));

    public long Batches => Interlocked.Read(ref _batches);

    public override async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await Inner.ApplyAsync(batch, ct);
        }
        finally
        {
            Interlocked.Add(ref _applyTicks, Stopwatch.GetTimestamp() - started);
            Interlocked.Increment(ref _batches);
        }
    }

}

/// <summary>
/// Where the sidecar spends its time, without touching src/: Npgsql's own tracing (ActivitySource "Npgsql": one
/// activity per command, its SQL text) summed per statement kind, and the runner's batch durations (its
/// <c>cdcbridge.projection.batch.duration</c> histogram: decode + apply + positions + commit, not the poll). Counts
/// only between <see cref="Start"/> and <see cref="Stop"/>.
/// </summary>
internal sealed class SqlProfiler : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Count, TimeSpan Time)> _sql = new(StringComparer.Ordinal);
    private double _batchSeconds;
    private long _batchCount;
    private volatile bool _on;

    public SqlProfiler()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ProjectionMetrics.MeterName && instrument.Name == ProjectionMetrics.BatchDuration)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            if (_on)
            {
                lock (_gate)
                {
                    _batchSeconds += seconds;
                    _batchCount++;
                }
            }
        });
        _meters.Start();
    }

    public void Start() => _on = true;

    public void Stop() => _on = false;

    public TimeSpan BatchTime
    {
        get
        {
            lock (_gate)
            {
                return TimeSpan.FromSeconds(_batchSeconds);
            }
        }
    }

    public long BatchCount
    {
        get
        {
            lock (_gate)
            {
                return _batchCount;
            }
        }
    }

    /// <summary>SQL time per statement kind (commands of the sidecar database only).</summary>
    public IReadOnlyList<(string Kind, long Count, TimeSpan Time)> Sql
    {
        get
        {
            lock (_gate)
            {
                return _sql.Select(s => (s.Key, s.Value.Count, s.Value.Time)).OrderByDescending(s => s.Time).ToList();
            }
        }
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private void Stopped(Activity activity)
    {
        if (!_on)
        {
            return;
        }

        // Npgsql names its tags after the OpenTelemetry conventions of its version (db.statement, later db.query.text).
        string? text = null, database = null;
        foreach (var (key, value) in activity.TagObjects)
        {
            if (key.EndsWith(".statement", StringComparison.Ordinal) || key.EndsWith("query.text", StringComparison.Ordinal))
            {
                text = value as string;
            }
            else if (key is "db.name" or "db.namespace")
            {
                database = value as string;
            }
        }

        text ??= activity.DisplayName;
        if (database is not null && database != "cdcbridge")
        {
            return; // the capture's heartbeat on the odoo database
        }

        var kind = Kind(text);
        lock (_gate)
        {
            var (count, time) = _sql.GetValueOrDefault(kind);
            _sql[kind] = (count + 1, time + activity.Duration);
        }
    }

    /// <summary>The statement kinds of the availability projection, the projection runner and the Shopify dispatcher.</summary>
    public static string Kind(string text) => text.TrimStart() switch
    {
        var t when t.Contains("inventory.odoo_rows", StringComparison.Ordinal) => "projector: upsert/delete inventory.odoo_rows (jsonb)",
        var t when t.Contains("inventory.availability", StringComparison.Ordinal) => "projector: upsert inventory.availability (jsonb inputs)",
        var t when t.StartsWith("INSERT INTO channels.shopify_outbox", StringComparison.Ordinal) => "projector: insert channels.shopify_outbox",
        var t when t.Contains("channels.analytics_outbox", StringComparison.Ordinal) => "projector/relay: channels.analytics_outbox",
        var t when t.Contains("inventory.channel_orders", StringComparison.Ordinal) => "projector: upsert inventory.channel_orders",
        var t when t.StartsWith("NOTIFY", StringComparison.Ordinal) => "projector: NOTIFY",
        var t when t.StartsWith("SELECT DISTINCT ON", StringComparison.Ordinal) => "dispatcher: read the outbox, coalesced",
        var t when t.StartsWith("DELETE FROM channels.shopify_outbox", StringComparison.Ordinal) => "dispatcher: delete what was sent",
        var t when t.Contains("FROM channels.shopify_outbox", StringComparison.Ordinal) => "other: outbox count (the bench's drain check)",
        var t when t.StartsWith("LISTEN", StringComparison.Ordinal) => "dispatcher/relay: LISTEN",
        var t when t.Contains("projections.parked", StringComparison.Ordinal) => "runner: parked records",
        var t when t.Contains("projections.", StringComparison.Ordinal) => "runner: positions (guarded advance)",
        var t when t.StartsWith("COMMIT", StringComparison.OrdinalIgnoreCase) => "runner: COMMIT",
        var t => "other: " + (t.Length > 40 ? t[..40] : t).ReplaceLineEndings(" "),
    };
}
