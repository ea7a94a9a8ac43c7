using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace CdcBridge.Orders.Tests;

/// <summary>The Orders room's metric names live in one place: <see cref="OrdersMetrics.Names"/>, one instrument each.</summary>
public sealed class OrdersMetricsTests
{
    [Fact]
    public void Every_instrument_of_the_orders_meter_is_named_in_OrdersMetrics_Names_and_every_name_has_one()
    {
        var published = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == OrdersMetrics.MeterName)
                {
                    lock (published)
                    {
                        published.Add(instrument.Name);
                    }
                }
            },
        };
        RuntimeHelpers.RunClassConstructor(typeof(OrdersMetrics).TypeHandle); // creates the instruments; Start reports them
        listener.Start();

        var names = typeof(OrdersMetrics.Names).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToList();
        names.Should().OnlyHaveUniqueItems();
        published.Distinct().Should().BeEquivalentTo(names, "a dashboard finds every instrument of the room under OrdersMetrics.Names");
    }
}
