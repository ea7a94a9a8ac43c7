using System.Diagnostics;
using CdcBridge.Channels.Dispatch;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Testing;
using static CdcBridge.Channels.Tests.Dispatch.DispatchHarness;

namespace CdcBridge.Channels.Tests.Dispatch;

/// <summary>On a small plan, a steady stream of changes is paced by the cost bucket: Shopify never answers THROTTLED.</summary>
[Collection(Serial)]
public sealed class DispatcherPacingTests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sustained_stream_on_the_standard_plan_is_paced_by_the_bucket_never_throttled_and_all_of_it_arrives()
    {
        // Standard: 100 points/s, a bucket of 2,000. The stream goes on until Shopify has charged 3,000 points: the bucket
        // is emptied and then refilled for about 10 s, which without pacing means THROTTLED answers. 600 (SKU, location)
        // pairs keep every cycle at three calls of up to 250, and a cycle at least every 250 ms (the longest linger), so
        // the calls outrun the refill.
        const int Skus = 300;
        const double Target = 3_000;
        var skus = Enumerable.Range(1, Skus).Select(i => $"STREAM-{i:D3}").ToList();
        await using var harness = await StartAsync(fixture, 2, skus, o => o with { Plan = ShopifyPlan.Standard });
        harness.Simulator.MaximumAvailable.Should().Be(2_000);
        harness.Simulator.RestoreRate.Should().Be(100);
        var pairs = skus.SelectMany(sku => new[] { (Sku: sku, Location: Location(1)), (Sku: sku, Location: Location(2)) }).ToList();
        var dispatcher = harness.StartDispatcher(options: new ShopifyDispatcherOptions { MaxLinger = TimeSpan.FromMilliseconds(250) });
        var clock = Stopwatch.StartNew();
        var last = new Dictionary<(string, long), int>();
        var changes = 0;
        var deadline = TimeSpan.FromSeconds(25);

        // Transactions of 10 changes, round-robin over the pairs with rising values, until enough cost has been charged.
        IEnumerable<IReadOnlyList<(string, long, int)>> Stream()
        {
            for (var n = 0; ; n += 10)
            {
                if (n % 200 == 0 && Charged(harness) >= Target)
                {
                    yield break;
                }

                clock.Elapsed.Should().BeLessThan(deadline, "the stream should have made Shopify charge {0} points by now", Target);
                var batch = Enumerable.Range(n, 10).Select(i => (pairs[i % pairs.Count].Sku, pairs[i % pairs.Count].Location, (i / pairs.Count) + 1)).ToList();
                foreach (var (sku, location, value) in batch)
                {
                    last[(sku, location)] = value;
                }

                changes += batch.Count;
                yield return batch;
            }
        }

        await harness.CommitEachAsync(Stream());
        var streamed = clock.Elapsed;
        await dispatcher.WaitUntilDrainedAsync(TimeSpan.FromSeconds(30), Ct);

        var log = harness.Simulator.Requests();
        var client = harness.ClientOf(dispatcher).Snapshot();
        DispatchHarness.Log($"stream {streamed.TotalSeconds:F1} s ({changes} changes), drained at {clock.Elapsed.TotalSeconds:F1} s; "
            + $"{log.Count} requests, {harness.SetCalls().Count} inventorySetQuantities, {Charged(harness):F0} points charged, "
            + $"lowest currentlyAvailable {log.Min(r => r.CurrentlyAvailable):F0}, pacing wait {client.PacingWait.TotalSeconds:F1} s, throttled {client.Throttled}");
        log.Should().NotContain(r => r.Throttled || r.Outcome == "throttled");
        client.Throttled.Should().Be(0);
        client.PacingWait.Should().BeGreaterThan(TimeSpan.Zero, "the bucket ran dry: the client had to hold calls back");
        harness.SetCalls().Should().OnlyContain(c => c.Outcome == "applied");
        harness.Simulator.Inventory().Select(r => (r.Sku, ShopifyGid.TryParse(r.LocationId, "Location")!.Value, (int)r.OnHand)).Should()
            .BeEquivalentTo(last.Select(l => (l.Key.Item1, l.Key.Item2, l.Value)), "every pair ends at its last value");
        (await harness.OutboxDepthAsync()).Should().Be(0);
        (await harness.ParkedAsync()).Should().BeEmpty();
    }

    private static double Charged(DispatchHarness harness) => harness.Simulator.Requests().Sum(r => r.ActualCost ?? 0);
}
