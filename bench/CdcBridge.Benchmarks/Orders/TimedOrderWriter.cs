using System.Collections.Concurrent;
using CdcBridge.Orders.Dispatch;
using CdcBridge.Orders.Writer;

namespace CdcBridge.Benchmarks.Orders;

/// <summary>When the dispatcher handed an order to the writer (its first attempt) and when the writer's last attempt returned.</summary>
internal sealed record WriteTimes(DateTime Started, DateTime Finished, int Attempts);

/// <summary>
/// The dispatcher's writer with a clock around it: splits webhook → written into the wait for the dispatcher (intake
/// projection and queue) and the Odoo calls themselves (throttle waits included).
/// </summary>
internal sealed class TimedOrderWriter(IChannelOrderWriter inner) : IChannelOrderWriter
{
    private readonly ConcurrentDictionary<long, WriteTimes> _times = new();

    public WriteTimes? Of(long orderId) => _times.TryGetValue(orderId, out var times) ? times : null;

    public async Task<OdooOrderOutcome> WriteAsync(IntakeOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        var started = DateTime.UtcNow;
        try
        {
            return await inner.WriteAsync(order, ct);
        }
        finally
        {
            var finished = DateTime.UtcNow;
            _times.AddOrUpdate(order.OrderId, _ => new WriteTimes(started, finished, 1), (_, before) => before with { Finished = finished, Attempts = before.Attempts + 1 });
        }
    }

    public Task<OdooOrderOutcome?> CancelAsync(IntakeOrder order, CancellationToken ct) => inner.CancelAsync(order, ct);
}
