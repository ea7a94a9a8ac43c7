namespace CdcBridge.Channels.Shopify;

/// <summary>
/// The client's picture of one store's leaky bucket: the last <c>throttleStatus</c> and when it was seen, refilled at the
/// restore rate to estimate what is available now. Before a request, <see cref="WaitForCapacityAsync"/> waits exactly as
/// long as the estimate says the requested cost needs ((cost − available) / restore rate), then debits the cost so
/// concurrent callers of the same client queue behind it; the next response's status replaces the estimate.
/// The estimate errs on the safe side: the server's figure is older than the moment it is seen and rounded down.
/// </summary>
public sealed class ShopifyCostBucket(TimeProvider time)
{
    private readonly object _gate = new();
    private ShopifyThrottleStatus? _last;
    private DateTimeOffset? _lastAt;
    private double _available;
    private long _stamp;

    public ShopifyThrottleStatus? LastStatus
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    public DateTimeOffset? LastStatusAt
    {
        get
        {
            lock (_gate)
            {
                return _lastAt;
            }
        }
    }

    /// <summary>Points estimated available now; +∞ before the first response (nothing known, nothing to wait for).</summary>
    public double EstimateAvailable()
    {
        lock (_gate)
        {
            return Estimate(time.GetTimestamp());
        }
    }

    /// <summary>Takes the status a response reported as the truth.</summary>
    public void Observe(ShopifyThrottleStatus status)
    {
        lock (_gate)
        {
            _last = status;
            _lastAt = time.GetUtcNow();
            _available = status.CurrentlyAvailable;
            _stamp = time.GetTimestamp();
        }
    }

    /// <summary>How long until <paramref name="cost"/> points are estimated available (zero when they are, or nothing is known).</summary>
    public TimeSpan DelayFor(double cost)
    {
        lock (_gate)
        {
            return DelayLocked(cost, time.GetTimestamp());
        }
    }

    /// <summary>Waits until the estimate covers <paramref name="cost"/> (capped at the bucket size), then debits it. Returns the time waited.</summary>
    public async Task<TimeSpan> WaitForCapacityAsync(double cost, CancellationToken ct)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            TimeSpan delay;
            lock (_gate)
            {
                var now = time.GetTimestamp();
                delay = DelayLocked(cost, now);
                if (delay <= TimeSpan.Zero)
                {
                    if (_last is not null)
                    {
                        _available = Estimate(now) - cost;
                        _stamp = now;
                    }

                    return waited;
                }
            }

            await Task.Delay(delay, time, ct);
            waited += delay;
        }
    }

    private TimeSpan DelayLocked(double cost, long now)
    {
        if (_last is not { } last || last.RestoreRate <= 0)
        {
            return TimeSpan.Zero;
        }

        var needed = Math.Min(cost, last.MaximumAvailable) - Estimate(now);
        return needed <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(needed / last.RestoreRate) + TimeSpan.FromMilliseconds(1);
    }

    private double Estimate(long now)
    {
        if (_last is not { } last)
        {
            return double.PositiveInfinity;
        }

        var elapsed = time.GetElapsedTime(_stamp, now).TotalSeconds;
        return Math.Min(last.MaximumAvailable, _available + (Math.Max(0, elapsed) * last.RestoreRate));
    }
}
