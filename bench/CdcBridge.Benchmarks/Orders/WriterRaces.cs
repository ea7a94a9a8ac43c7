using System.Diagnostics.Metrics;
using CdcBridge.Orders;
using CdcBridge.Orders.Writer;

namespace CdcBridge.Benchmarks.Orders;

/// <summary>
/// The writer's <c>cdcbridge.orders.writer.races</c> counter: creates it sent again because Odoo answered a concurrency
/// failure (a lost race); each costs a look-up and a second load, which the requests per order show.
/// </summary>
internal sealed class WriterRaces : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public WriterRaces()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OrdersMetrics.MeterName && instrument.Name == OrdersMetrics.Names.WriterRaces)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
