using System.Diagnostics;
using CdcBridge.Channels.Dispatch;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Testing;
using static CdcBridge.Channels.Tests.Dispatch.DispatchHarness;

namespace CdcBridge.Channels.Tests.Dispatch;

/// <summary>Many changes cost few calls: the dispatcher sends the newest value per (SKU, location), up to 250 per call.</summary>
[Collection(Serial)]
public sealed class DispatcherCoalescingTests(RegistryInfrastructure fixture)
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_thousand_changes_to_one_sku_committed_while_a_call_is_in_flight_go_out_as_one_call_with_the_last_value()
    {
        using var gate = new HoldFirstSetCall();
        await using var harness = await StartAsync(fixture, 1, ["HOT"]);
        var location = Location(1);
        var dispatcher = harness.StartDispatcher(handler: gate);
        await dispatcher.NextCycle.WaitAsync(Drain, Ct); // started: levels read, waiting for rows

        await harness.CommitAsync(("HOT", location, 1));
        await gate.Held.WaitAsync(Drain, Ct); // the push of 1 is on its way to Shopify and takes its time
        await harness.CommitEachAsync(Enumerable.Range(2, 999).Select(i => new[] { ("HOT", location, i) }));
        gate.Release();
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);

        harness.Level("HOT", location).OnHand.Should().Be(1_000);
        harness.SetCalls().Select(c => (c.Outcome, c.Quantities)).Should().Equal([("applied", 1), ("applied", 1)],
            "the 999 changes that came in during the first call leave as one call with the newest value");
        dispatcher.Status.QuantitiesSet.Should().Be(2);
    }

    [Fact]
    public async Task A_thousand_changes_to_one_sku_committed_while_the_dispatcher_runs_end_at_the_last_value_in_a_handful_of_calls()
    {
        await using var harness = await StartAsync(fixture, 1, ["HOT"]);
        var location = Location(1);
        var dispatcher = harness.StartDispatcher();
        await dispatcher.NextCycle.WaitAsync(Drain, Ct);
        var clock = Stopwatch.StartNew();

        await harness.CommitEachAsync(Enumerable.Range(1, 1_000).Select(i => new[] { ("HOT", location, i) }));
        var committed = clock.Elapsed;
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);

        harness.Level("HOT", location).OnHand.Should().Be(1_000);
        var calls = harness.SetCalls();
        DispatchHarness.Log($"1,000 commits in {committed.TotalMilliseconds:F0} ms, drained after {clock.Elapsed.TotalMilliseconds:F0} ms: {calls.Count} inventorySetQuantities calls");
        calls.Should().OnlyContain(c => c.Outcome == "applied" && c.Quantities == 1);
        // At most one busy cycle per BusyCycleInterval while the burst lasts (+1 for the cycle that saw it start, +1 for the tail).
        var interval = new ShopifyDispatcherOptions().BusyCycleInterval;
        calls.Count.Should().BeLessThanOrEqualTo((int)(clock.Elapsed / interval) + 2, "a burst of changes to one SKU costs a handful of calls, not one per commit");
        calls.Count.Should().BeLessThan(30);
    }

    [Fact]
    public async Task Distinct_pairs_committed_at_once_go_out_250_per_call()
    {
        const int Skus = 260; // × 2 locations = 520 pairs: 250 + 250 + 20
        var skus = Enumerable.Range(1, Skus).Select(i => $"SKU-{i:D3}").ToList();
        await using var harness = await StartAsync(fixture, 2, skus);
        var dispatcher = harness.StartDispatcher();
        await dispatcher.NextCycle.WaitAsync(Drain, Ct);

        var pushes = skus.SelectMany((sku, i) => new[] { (Sku: sku, Location: Location(1), OnHand: i + 1), (Sku: sku, Location: Location(2), OnHand: 1_000 + i) }).ToArray();
        await harness.CommitAsync(pushes);
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);

        var calls = harness.SetCalls();
        calls.Should().HaveCount((2 * Skus + 249) / 250);
        calls.Select(c => (c.Outcome, c.Quantities)).Should().Equal(("applied", 250), ("applied", 250), ("applied", 20));
        harness.Simulator.Inventory().Select(r => (r.Sku, r.LocationId, r.OnHand)).Should()
            .BeEquivalentTo(pushes.Select(p => (p.Sku, ShopifyGid.Location(p.Location), (long)p.OnHand)));
        dispatcher.Status.QuantitiesSet.Should().Be(2 * Skus);
    }

    /// <summary>Holds the first inventorySetQuantities request until released: a call in flight, as long as the test needs.</summary>
    private sealed class HoldFirstSetCall() : DelegatingHandler(new HttpClientHandler())
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _first;

        public Task Held => _held.Task;

        public void Release() => _release.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            if (body.Contains(SetQuantities, StringComparison.Ordinal) && Interlocked.Exchange(ref _first, 1) == 0)
            {
                _held.TrySetResult();
                await _release.Task.WaitAsync(cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
