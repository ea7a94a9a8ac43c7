namespace CdcBridge.Orders.Odoo;

/// <summary>
/// Every request to Odoo passes here: first a slot (at most <c>maxInFlight</c> at a time), then a token from a bucket
/// that holds <c>burst</c> tokens and refills continuously at <c>ratePerSecond</c>. The slot comes first so that a
/// request is sent as soon as its token is granted: tokens handed out while every slot is busy would otherwise pile up
/// and go out together, beyond the rate. So in any interval of t seconds at most <c>burst + rate × t</c> requests start.
/// </summary>
internal sealed class OdooRequestThrottle : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly int _burst;
    private readonly object _gate = new();
    private double _tokens;
    private long _refilledAt;
    private long _waitTicks;

    public OdooRequestThrottle(double ratePerSecond, int burst, int maxInFlight, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxInFlight);
        _rate = ratePerSecond;
        _burst = burst;
        _time = time;
        _slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        MaxInFlight = maxInFlight;
        _tokens = burst;
        _refilledAt = time.GetTimestamp();
    }

    public int MaxInFlight { get; }

    public int InFlight => MaxInFlight - _slots.CurrentCount;

    /// <summary>Time spent waiting for tokens so far (not for slots).</summary>
    public TimeSpan TokenWait => TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks));

    /// <summary>Waits for a slot and a token; dispose the lease when the request is answered.</summary>
    public async ValueTask<Lease> AcquireAsync(CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            TimeSpan wait;
            lock (_gate)
            {
                Refill();
                _tokens -= 1; // a reservation: below zero, later callers queue behind this one
                wait = _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _rate);
            }

            if (wait > TimeSpan.Zero)
            {
                // Timers work in whole milliseconds and may round down: never start before the token is there.
                wait = TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds) + 1);
                Interlocked.Add(ref _waitTicks, wait.Ticks);
                try
                {
                    await Task.Delay(wait, _time, ct);
                }
                catch (OperationCanceledException)
                {
                    lock (_gate)
                    {
                        _tokens += 1; // give the reservation back
                    }

                    throw;
                }
            }

            return new Lease(this);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public void Dispose() => _slots.Dispose();

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_refilledAt, now).TotalSeconds;
        _refilledAt = now;
        _tokens = Math.Min(_burst, _tokens + (elapsed * _rate));
    }

    public readonly struct Lease(OdooRequestThrottle owner) : IDisposable
    {
        public void Dispose() => owner._slots.Release();
    }
}
