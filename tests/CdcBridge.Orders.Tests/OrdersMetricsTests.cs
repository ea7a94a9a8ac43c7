using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace CdcBridge.Orders.Tests;

/// <summary>The Orders room's metric names live in one place: <see cref="OrdersMetrics.Names"/>, one instrument each.</summary>
public sealed class OrdersMetricsTests
{
    [Fact]
    public void Every_instrument_of_the_orders_meter_is_named_in_OrdersMetrics_Names_every_name_has_one_and_durations_are_in_seconds()
    {
        var published = new List<string>();
        var histogramUnits = new List<string?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == OrdersMetrics.MeterName)
                {
                    lock (published)
                    {
                        published.Add(instrument.Name);
                        if (instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>))
                        {
                            histogramUnits.Add(instrument.Unit);
                        }
                    }
                }
            },
        };
        RuntimeHelpers.RunClassConstructor(typeof(OrdersMetrics).TypeHandle); // creates the instruments; Start reports them
        listener.Start();

        var names = typeof(OrdersMetrics.Names).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToList();
        names.Should().OnlyHaveUniqueItems();
        published.Distinct().Should().BeEquivalentTo(names, "a dashboard finds every instrument of the room under OrdersMetrics.Names");
        histogramUnits.Should().NotBeEmpty().And.OnlyContain(unit => unit == "s", "every duration of the room is in seconds (OpenTelemetry's convention)");
    }
}
