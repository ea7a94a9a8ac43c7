namespace CdcBridge.Projections;

/// <summary>
/// How long to wait before the next attempt after <c>failures</c> failures in a row: <c>first</c>, doubling, capped at
/// <c>max</c>, spread by ±25 % so that workers that failed together do not come back together.
/// </summary>
public static class RetryDelay
{
    public static TimeSpan Jittered(int failures, TimeSpan first, TimeSpan max)
    {
        var doubled = first.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        var capped = Math.Min(doubled, max.TotalMilliseconds);
#pragma warning disable CA5394 // jitter, not security
        var jitter = 0.75 + (Random.Shared.NextDouble() * 0.5);
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(capped * jitter);
    }
}
