using System.Diagnostics;
using System.Globalization;

namespace CdcBridge.Benchmarks.Availability;

/// <summary>Percentiles of a sample (nearest rank) in milliseconds.</summary>
internal sealed class Sample(IEnumerable<double> values)
{
    private readonly double[] _sorted = [.. values.Order()];

    public int Count => _sorted.Length;

    public double Percentile(double p) =>
        _sorted.Length == 0 ? double.NaN : _sorted[(int)Math.Clamp(Math.Ceiling(p * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public string Format(double p) => Ms(Percentile(p));

    public static string Ms(double ms) =>
        double.IsNaN(ms) ? "-" : ms >= 10_000 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.0} s") : string.Create(CultureInfo.InvariantCulture, $"{ms:0} ms");
}

/// <summary>
/// CPU used while something ran: this process (capture, broker, projection, dispatcher, simulator all run in it) and the
/// whole machine from /proc/stat (PostgreSQL included), in cores.
/// </summary>
internal sealed class CpuWindow
{
    private readonly TimeSpan _process = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly (long Busy, long Total)? _machine = Machine();
    private readonly long _started = Stopwatch.GetTimestamp();

    public string Describe()
    {
        var wall = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var process = (Process.GetCurrentProcess().TotalProcessorTime - _process).TotalSeconds / wall;
        var text = string.Create(CultureInfo.InvariantCulture, $"bench process {process:0.00} cores");
        if (_machine is { } before && Machine() is { } after && after.Total > before.Total)
        {
            var busy = (after.Busy - before.Busy) / (double)(after.Total - before.Total);
            text += string.Create(CultureInfo.InvariantCulture, $", machine {busy * Environment.ProcessorCount:0.00} of {Environment.ProcessorCount} cores busy");
        }

        return text;
    }

    private static (long Busy, long Total)? Machine()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            var total = fields.Take(8).Sum();
            return (total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
