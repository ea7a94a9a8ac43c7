using System.Text.Json.Nodes;
using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.Orders.Odoo;
using CdcBridge.Testing;

namespace CdcBridge.Orders.Tests.Odoo;

/// <summary>Many concurrent calls reach Odoo no faster than the token bucket allows and no more than MaxInFlight at a time.</summary>
public sealed class OdooThrottleTests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Concurrent_calls_stay_within_the_rate_the_burst_and_the_in_flight_limit()
    {
        const double Rate = 20;
        const int Burst = 5, MaxInFlight = 2, Calls = 60;
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client(scope.Options() with { RequestsPerSecond = Rate, Burst = Burst, MaxInFlight = MaxInFlight });
        // Some latency, so that calls overlap and the in-flight limit has something to hold back.
        scope.Simulator.InjectFaults(new OdooSimFaults { LatencyMs = 30 });

        var results = await Task.WhenAll(Enumerable.Range(0, Calls)
            .Select(_ => Task.Run(() => client.ExecuteKwAsync("res.partner", "search_count", [new JsonArray()], null, Ct), Ct)));

        results.Should().OnlyContain(r => r!.GetValue<int>() > 0);
        var log = scope.Simulator.Requests();
        log.Should().HaveCount(Calls + 1).And.OnlyContain(r => r.Outcome == "ok"); // the login too
        MaxInAnyWindow(log, TimeSpan.FromSeconds(1)).Should().BeLessThanOrEqualTo((int)Rate + Burst);
        MaxInAnyWindow(log, TimeSpan.FromMilliseconds(500)).Should().BeLessThanOrEqualTo((int)(Rate / 2) + Burst);
        log.Max(r => r.InFlight).Should().BeLessThanOrEqualTo(MaxInFlight);
        MaxOverlap(log).Should().BeLessThanOrEqualTo(MaxInFlight);
        // The bucket really held calls back: 61 requests at 20/s after a burst of 5 take at least 2.8 s.
        (log[^1].At - log[0].At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds((Calls + 1 - Burst) / Rate) - TimeSpan.FromMilliseconds(20));
        client.Snapshot().ThrottleWait.Should().BePositive();
    }

    /// <summary>The most requests that arrived within any window of the given length (starting at each arrival).</summary>
    private static int MaxInAnyWindow(IReadOnlyList<OdooSimRequest> log, TimeSpan window)
    {
        var arrivals = log.Select(r => r.At).Order().ToList();
        var max = 0;
        for (int start = 0, end = 0; start < arrivals.Count; start++)
        {
            while (end < arrivals.Count && arrivals[end] < arrivals[start] + window)
            {
                end++;
            }

            max = Math.Max(max, end - start);
        }

        return max;
    }

    /// <summary>Requests in flight at once, from each request's arrival and duration as the simulator logged them.</summary>
    private static int MaxOverlap(IReadOnlyList<OdooSimRequest> log)
    {
        var events = log.SelectMany(r => new[] { (At: r.At, Delta: 1), (At: r.At + TimeSpan.FromMilliseconds(r.DurationMs), Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta); // an end before a start at the same instant
        int current = 0, max = 0;
        foreach (var (_, delta) in events)
        {
            current += delta;
            max = Math.Max(max, current);
        }

        return max;
    }
}
