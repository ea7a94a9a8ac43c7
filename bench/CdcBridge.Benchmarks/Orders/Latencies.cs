using System.Globalization;

namespace CdcBridge.Benchmarks.Orders;

/// <summary>Durations in milliseconds, sorted once, read by nearest-rank percentiles.</summary>
internal sealed class Latencies
{
    private readonly double[] _sorted;

    public Latencies(IEnumerable<double> milliseconds) => _sorted = [.. milliseconds.Order()];

    public int Count => _sorted.Length;

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public double Percentile(double p) =>
        _sorted.Length == 0 ? double.NaN : _sorted[(int)Math.Clamp(Math.Ceiling(p * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public string Format(double p) => Ms(Percentile(p));

    /// <summary>Milliseconds as people read them: one decimal below 10 ms, whole ms below 10 s, then seconds.</summary>
    public static string Ms(double ms) => double.IsNaN(ms) ? "–"
        : ms < 10 ? string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms")
        : ms < 10_000 ? string.Create(CultureInfo.InvariantCulture, $"{ms:0} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.0} s");
}
