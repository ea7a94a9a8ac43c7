namespace CdcBridge.Capture;

/// <summary>
/// Bounds the snapshot rows held in memory (read from PostgreSQL, not yet acknowledged by Kafka), so a table of
/// millions of rows is captured in constant memory: the reader waits for Kafka instead of buffering ahead of it.
/// </summary>
internal sealed class InFlightLimit(int limit) : IDisposable
{
    private readonly SemaphoreSlim _permits = new(limit, limit);
    private int _held;
    private int _peak;

    public int Limit { get; } = limit;

    /// <summary>The most rows ever held at once.</summary>
    public int Peak => Volatile.Read(ref _peak);

    public async Task AcquireAsync(CancellationToken ct)
    {
        await _permits.WaitAsync(ct);
        var held = Interlocked.Increment(ref _held);
        int peak;
        while (held > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, held, peak) != peak)
        {
        }
    }

    public void Release()
    {
        Interlocked.Decrement(ref _held);
        _permits.Release();
    }

    public void Dispose() => _permits.Dispose();
}
