using System.Diagnostics;
using CdcBridge.Channels.Dispatch;
using CdcBridge.Testing;
using static CdcBridge.Channels.Tests.Dispatch.DispatchHarness;

namespace CdcBridge.Channels.Tests.Dispatch;

/// <summary>
/// The burst window: a burst leaves in ⌈pairs / 250⌉ calls however long it keeps arriving (within the longest linger),
/// a full call never waits for the burst to end, a lone change waits only for the quiet gap, and a stream that never
/// goes quiet is still sent within the longest linger. The windows here are wider than the defaults, so a test machine
/// that stalls for a moment cannot close one early; the defaults' figures are the bench's.
/// </summary>
[Collection(Serial)]
public sealed class DispatcherBurstTests(RegistryInfrastructure fixture)
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(100, 800)] // every pair changes 8 times: one call with the last values
    [InlineData(600, 600)] // more pairs than a call holds: full calls while it arrives, then the rest
    public async Task A_burst_arriving_over_longer_than_the_quiet_gap_one_change_per_transaction_leaves_in_the_fewest_calls(int pairs, int changes)
    {
        var options = new ShopifyDispatcherOptions { QuietGap = TimeSpan.FromMilliseconds(300), MaxLinger = TimeSpan.FromSeconds(60) };
        var skus = Enumerable.Range(1, (pairs + 1) / 2).Select(i => $"BURST-{i:D3}").ToList();
        var all = skus.SelectMany(sku => new[] { (Sku: sku, Location: Location(1)), (Sku: sku, Location: Location(2)) }).Take(pairs).ToList();
        await using var harness = await StartAsync(fixture, 2, skus);
        var dispatcher = harness.StartDispatcher(options: options);
        await dispatcher.NextCycle.WaitAsync(Drain, Ct); // started: levels read, waiting for rows

        // Change i moves pair i mod D to a new value, each its own transaction, paced over 1.5 s: five quiet gaps long,
        // so a window that did not stay open while rows keep coming would be cut into several calls.
        var spread = TimeSpan.FromMilliseconds(1_500);
        var clock = Stopwatch.StartNew();
        var last = new Dictionary<(string, long), int>();
        for (var i = 0; i < changes; i++)
        {
            var due = spread * i / changes;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, Ct); // pacing the writer, not waiting for the dispatcher
            }

            var (sku, location) = all[i % pairs];
            last[(sku, location)] = i + 1;
            await harness.CommitAsync((sku, location, i + 1));
        }

        var committed = clock.Elapsed;
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);

        var calls = harness.SetCalls();
        DispatchHarness.Log($"{changes} commits over {pairs} pairs in {committed.TotalMilliseconds:F0} ms: {calls.Count} calls of {string.Join(", ", calls.Select(c => c.Quantities))}");
        committed.Should().BeGreaterThan(options.QuietGap * 4, "the burst kept arriving well past one quiet gap");
        calls.Should().HaveCount((pairs + ShopifyDispatcher.MaxQuantitiesPerCall - 1) / ShopifyDispatcher.MaxQuantitiesPerCall);
        calls.Should().OnlyContain(c => c.Outcome == "applied");
        foreach (var ((sku, location), value) in last)
        {
            harness.Level(sku, location).OnHand.Should().Be(value);
        }
    }

    [Fact]
    public async Task A_full_call_leaves_at_once_while_the_rest_of_the_burst_waits_for_the_quiet_gap()
    {
        var options = new ShopifyDispatcherOptions { QuietGap = TimeSpan.FromSeconds(6), MaxLinger = TimeSpan.FromSeconds(60) };
        var skus = Enumerable.Range(1, 130).Select(i => $"FULL-{i:D3}").ToList(); // × 2 locations = 260 pairs
        await using var harness = await StartAsync(fixture, 2, skus);
        var dispatcher = harness.StartDispatcher(options: options);
        await dispatcher.NextCycle.WaitAsync(Drain, Ct);

        var clock = Stopwatch.StartNew();
        await harness.CommitAsync([.. skus.SelectMany((sku, i) => new[] { (sku, Location(1), i + 1), (sku, Location(2), i + 1) })]);
        await UntilAsync(dispatcher, () => harness.SetCalls().Count >= 1, "a first call", options.QuietGap - TimeSpan.FromSeconds(1));
        var first = clock.Elapsed;

        harness.SetCalls().Should().ContainSingle().Which.Quantities.Should().Be(ShopifyDispatcher.MaxQuantitiesPerCall,
            "more pairs wait than one call holds: a full call leaves without waiting for the burst to end");
        (await harness.OutboxDepthAsync()).Should().Be(10, "the other 10 pairs wait for the window to close");

        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);
        DispatchHarness.Log($"full call after {first.TotalMilliseconds:F0} ms, the rest after {clock.Elapsed.TotalMilliseconds:F0} ms");
        harness.SetCalls().Select(c => (c.Outcome, c.Quantities)).Should().Equal(("applied", 250), ("applied", 10));
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(options.QuietGap, "the partial call waited for the quiet gap");
    }

    [Fact]
    public async Task A_lone_change_leaves_after_the_quiet_gap_not_after_the_longest_linger()
    {
        var options = new ShopifyDispatcherOptions { QuietGap = TimeSpan.FromMilliseconds(100), MaxLinger = TimeSpan.FromSeconds(60) };
        await using var harness = await StartAsync(fixture, 1, ["LONE"]);
        var dispatcher = harness.StartDispatcher(options: options);
        await dispatcher.NextCycle.WaitAsync(Drain, Ct);

        var clock = Stopwatch.StartNew();
        await harness.CommitAsync(("LONE", Location(1), 7));
        await UntilAsync(dispatcher, () => harness.Level("LONE", Location(1)).OnHand == 7, "the lone change in Shopify", TimeSpan.FromSeconds(30));
        DispatchHarness.Log($"lone change in Shopify after {clock.Elapsed.TotalMilliseconds:F0} ms");

        harness.SetCalls().Should().ContainSingle().Which.Quantities.Should().Be(1);
        clock.Elapsed.Should().BeLessThan(options.MaxLinger, "nothing else came: the window closed at the quiet gap");
    }

    [Fact]
    public async Task A_stream_that_never_goes_quiet_is_sent_at_the_longest_linger_while_it_goes_on()
    {
        var options = new ShopifyDispatcherOptions { QuietGap = TimeSpan.FromSeconds(30), MaxLinger = TimeSpan.FromMilliseconds(300) };
        await using var harness = await StartAsync(fixture, 1, ["STREAM"]);
        var dispatcher = harness.StartDispatcher(options: options);
        await dispatcher.NextCycle.WaitAsync(Drain, Ct);

        // One change every 20 ms, for as long as it takes Shopify to receive two calls: the gap never comes.
        var value = 0;
        while (harness.SetCalls().Count(c => c.Outcome == "applied") < 2)
        {
            value.Should().BeLessThan(1_500, "the stream has run for far longer than the longest linger");
            await harness.CommitAsync(("STREAM", Location(1), ++value));
            await Task.Delay(20, Ct); // pacing the writer
        }

        var stillStreaming = value;
        await harness.CommitAsync(("STREAM", Location(1), ++value));
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);
        DispatchHarness.Log($"two calls while the stream went on, after {stillStreaming} changes");
        harness.Level("STREAM", Location(1)).OnHand.Should().Be(value);
    }
}
