using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CdcBridge.Testing;

namespace CdcBridge.Orders.Tests.Intake;

/// <summary>The receiver's outcomes show on the CdcBridge.Orders meter under the names of <see cref="OrdersMetrics"/>.</summary>
public sealed class WebhookMetricsTests(RegistryInfrastructure fixture)
{
    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    [Fact]
    public async Task Accepted_duplicate_and_rejected_deliveries_are_counted_by_topic_and_reason_and_timed()
    {
        var measurements = new ConcurrentBag<Measurement>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OrdersMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add(new(i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add(new(i.Name, v, ToDictionary(tags))));
        listener.Start();
        await using var intake = await IntakeHarness.StartAsync(fixture);
        var webhookId = Guid.NewGuid().ToString();

        await intake.PostAsync(ShopifySample.Bytes(), webhookId);
        await intake.PostAsync(ShopifySample.Bytes(), webhookId);
        await intake.PostAsync(ShopifySample.Bytes(), Guid.NewGuid().ToString(), secret: "forged");

        // Other tests may run at the same time: look for these deliveries' measurements, not for totals.
        measurements.Should().Contain(m => m.Instrument == OrdersMetrics.Names.WebhooksAccepted && m.Value == 1 && Tag(m, OrdersMetrics.Tags.Topic) == "orders/create");
        measurements.Should().Contain(m => m.Instrument == OrdersMetrics.Names.WebhooksDuplicate && Tag(m, OrdersMetrics.Tags.Topic) == "orders/create");
        measurements.Should().Contain(m => m.Instrument == OrdersMetrics.Names.WebhooksRejected && Tag(m, OrdersMetrics.Tags.Reason) == OrdersMetrics.RejectReasons.Signature);
        measurements.Where(m => m.Instrument == OrdersMetrics.Names.WebhookAcceptDuration).Select(m => Tag(m, OrdersMetrics.Tags.Outcome))
            .Should().Contain(["accepted", "duplicate", "rejected"]);
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        return copy;
    }

    private static string? Tag(Measurement m, string name) => m.Tags.TryGetValue(name, out var value) ? value as string : null;
}
