namespace CdcBridge.DevStack.Shopify;

/// <summary>What a response reports in <c>extensions.cost.throttleStatus</c>.</summary>
public readonly record struct ShopifySimThrottleStatus(double MaximumAvailable, double CurrentlyAvailable, double RestoreRate);

/// <summary>
/// The shop's leaky bucket of query cost points (one per app and store in Shopify; one per simulator here). It refills at
/// the restore rate up to the maximum. A request must find its requested cost in the bucket, which is taken before
/// execution; the difference to the actual cost is given back afterwards.
/// <para>
/// A throttle storm drains the bucket and pauses the refill for n seconds. It is kept as a debt of n × restore rate
/// points, which is the same bucket (0 after n seconds, refilling from there), and the debt is what throttle statuses
/// report as <c>currentlyAvailable</c> (negative): a client that computes its wait as (requested − currentlyAvailable) /
/// restoreRate then waits out the storm at once instead of probing it. Real Shopify never reports a negative value.
/// </para>
/// </summary>
internal sealed class SimulatorCostBucket
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private double _available;
    private long _stamp;

    public SimulatorCostBucket(double maximumAvailable, double restoreRate, TimeProvider time)
    {
        MaximumAvailable = maximumAvailable;
        RestoreRate = restoreRate;
        _time = time;
        _available = maximumAvailable;
        _stamp = time.GetTimestamp();
    }

    public double MaximumAvailable { get; }

    public double RestoreRate { get; }

    /// <summary>Takes <paramref name="cost"/> points if the bucket holds them; false (nothing taken) otherwise.</summary>
    public bool TryTake(double cost, out ShopifySimThrottleStatus status)
    {
        lock (_gate)
        {
            Refill();
            var ok = _available >= cost;
            if (ok)
            {
                _available -= cost;
            }

            status = Status();
            return ok;
        }
    }

    public ShopifySimThrottleStatus Refund(double points)
    {
        lock (_gate)
        {
            Refill();
            _available = Math.Min(MaximumAvailable, _available + points);
            return Status();
        }
    }

    public ShopifySimThrottleStatus Current()
    {
        lock (_gate)
        {
            Refill();
            return Status();
        }
    }

    /// <summary>Drains the bucket and holds the refill for <paramref name="pause"/>.</summary>
    public void Storm(TimeSpan pause)
    {
        lock (_gate)
        {
            Refill();
            _available = -pause.TotalSeconds * RestoreRate;
        }
    }

    /// <summary>Ends a storm and refills the bucket (faults cleared).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _available = MaximumAvailable;
            _stamp = _time.GetTimestamp();
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_stamp, now).TotalSeconds;
        _stamp = now;
        if (elapsed > 0)
        {
            _available = Math.Min(MaximumAvailable, _available + (elapsed * RestoreRate));
        }
    }

    private ShopifySimThrottleStatus Status() => new(MaximumAvailable, Math.Floor(_available), RestoreRate);
}
