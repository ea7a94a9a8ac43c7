using CdcBridge.Channels.Shopify;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Testing;
using static CdcBridge.Channels.Tests.Dispatch.DispatchHarness;

namespace CdcBridge.Channels.Tests.Dispatch;

/// <summary>
/// The outbox makes a push survive the process: a crash between the projection's commit and the call, or in the middle
/// of the call, neither loses the push nor applies it twice.
/// </summary>
[Collection(Serial)]
public sealed class DispatcherRestartTests(RegistryInfrastructure fixture)
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rows_committed_while_no_dispatcher_runs_are_pushed_by_the_next_dispatcher_instance_in_one_call_with_the_newest_values_keeping_a_sale_made_meanwhile()
    {
        await using var harness = await StartAsync(fixture, 1, ["A", "B"]);
        var location = Location(1);
        var first = harness.StartDispatcher();
        await harness.CommitAsync(("A", location, 4));
        await first.WaitUntilDrainedAsync(Drain, Ct);
        harness.Level("A", location).OnHand.Should().Be(4);
        await harness.StopAsync(first); // the process goes away; its caches go with it

        // The projection commits while no dispatcher runs: three values for A, one for B.
        await harness.CommitAsync(("A", location, 5));
        await harness.CommitAsync(("A", location, 6), ("B", location, 2));
        await harness.CommitAsync(("A", location, 7));
        (await harness.OutboxDepthAsync()).Should().Be(4, "nothing took the rows");
        harness.Level("A", location).OnHand.Should().Be(4);

        // Meanwhile a shopper buys 2 of A in Shopify: available 4 → 2, committed 2, on_hand still 4.
        harness.Simulator.PlaceOrder(new ShopifySimOrderRequest("shopper@example.com", [new("A", 2)], ShopifyGid.Location(location)));
        var restart = harness.Mark();

        var second = harness.StartDispatcher();
        await second.WaitUntilDrainedAsync(Drain, Ct);

        harness.Level("A", location).Should().Match<ShopifySimInventoryRow>(r => r.OnHand == 7 && r.Committed == 2 && r.Available == 5,
            "the newest on_hand arrived and the sale made while the sidecar was down still counts");
        harness.Level("B", location).OnHand.Should().Be(2);
        var calls = harness.SetCalls(restart);
        calls.Should().ContainSingle("the new instance knows the levels its predecessor saw and set, so its compare-and-set is not stale, and sends both SKUs at once")
            .Which.Should().Match<ShopifySimRequest>(c => c.Outcome == "applied" && c.Quantities == 2);
        harness.Simulator.Requests(restart).Should().NotContain(r => r.OperationName == "CdcBridgeLocationLevels",
            "the levels are kept in the sidecar database: a restart costs no reads");
        harness.Simulator.Requests(restart).Count(r => r.OperationName == "CdcBridgeVariantsBySku").Should().Be(1,
            "only B, which the first instance never pushed, is looked up; A's inventory item is remembered");
        harness.SetCalls().Count(ChangedState).Should().Be(2, "one push before the restart, one after");
        (await harness.ParkedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_level_changed_in_shopify_while_the_sidecar_was_down_costs_one_stale_answer_and_a_re_read_never_an_overwrite()
    {
        await using var harness = await StartAsync(fixture, 1, ["A"]);
        var location = Location(1);
        var first = harness.StartDispatcher();
        await harness.CommitAsync(("A", location, 4));
        await first.WaitUntilDrainedAsync(Drain, Ct);
        await harness.StopAsync(first);

        // While the sidecar is down, someone counts A in Shopify's admin: on_hand 4 → 9. The remembered level (4) is stale.
        harness.Simulator.InjectFaults(new ShopifySimFaults { ConcurrentAdjust = new ConcurrentAdjustFault("A", ShopifyGid.Location(location), "on_hand", 5) });
        await harness.CommitAsync(("A", location, 6));
        var restart = harness.Mark();
        var second = harness.StartDispatcher();
        await second.WaitUntilDrainedAsync(Drain, Ct);

        harness.Level("A", location).OnHand.Should().Be(6, "the projection's value wins, set against the level Shopify really had");
        harness.SetCalls(restart).Select(c => c.Outcome).Should().Equal(["userErrors:CHANGE_FROM_QUANTITY_STALE", "applied"]);
        harness.Simulator.Requests(restart).Count(r => r.OperationName == "CdcBridgeLocationLevels").Should().Be(1, "the stale answer made it re-read the location");
    }

    [Fact]
    public async Task A_push_applied_by_shopify_whose_answer_was_lost_is_neither_lost_nor_applied_again_by_the_next_instance_and_keeps_a_sale_made_meanwhile()
    {
        await using var harness = await StartAsync(fixture, 1, ["A"]);
        var location = Location(1);

        // Every answer to a mutation is lost after Shopify applied it: the first call applies, the client's retry and the
        // dispatcher's next cycles get the replayed answer, lost again. The row stays in the outbox.
        harness.Simulator.InjectFaults(new ShopifySimFaults { FailAfterApply = new CountFault(1_000) });
        var crashing = harness.StartDispatcher(FastRetries with { MaxRetries = 1 });
        await harness.CommitAsync(("A", location, 10));
        await UntilAsync(crashing, () => crashing.Status.LastError is not null, "a dispatch cycle failed");
        await harness.StopAsync(crashing); // the crash: mid-retry, nothing acknowledged
        (await harness.OutboxDepthAsync()).Should().Be(1, "the push was never acknowledged");
        harness.Level("A", location).OnHand.Should().Be(10, "Shopify applied it before the answer was lost");

        // A shopper buys 3 before the sidecar comes back: available → committed, on_hand unchanged.
        harness.Simulator.PlaceOrder(new ShopifySimOrderRequest("shopper@example.com", [new("A", 3)], ShopifyGid.Location(location)));
        harness.Simulator.ClearFaults();
        var restart = harness.Mark();
        var restarted = harness.StartDispatcher();
        await restarted.WaitUntilDrainedAsync(Drain, Ct);

        var level = harness.Level("A", location);
        level.Should().Match<ShopifySimInventoryRow>(r => r.OnHand == 10 && r.Committed == 3 && r.Available == 7,
            "the value arrived once and the sale still counts: available = on_hand - committed");
        var calls = harness.SetCalls();
        DispatchHarness.Log($"mutations: {string.Join(", ", calls.Select(c => $"#{c.Seq} {c.HttpStatus} {c.Outcome} key {c.IdempotencyKey![..8]}"))}");
        calls.Count(ChangedState).Should().Be(1, "Shopify changed state once");
        calls.Where(c => c.Seq <= restart).Select(c => c.IdempotencyKey).Distinct().Should().ContainSingle("every resend before the crash was the same operation");
        DispatchHarness.Log($"mutations after the restart: {calls.Count(c => c.Seq > restart)}");
        calls.Where(c => c.Seq > restart && c.IdempotencyKey != calls[0].IdempotencyKey && c.Outcome != "noop").Should().BeEmpty(
            "after the restart the push is either the same operation again or skipped because Shopify already holds the value");
        (await harness.ParkedAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_cycle_whose_answer_was_lost_is_resent_as_the_same_operation_and_a_sale_made_in_between_is_kept()
    {
        // The client does not retry: the dispatcher's next cycle resends. When the lost answer arrives, a shopper buys 3.
        ShopifySimulator? shop = null;
        using var sale = new SaleOnLostAnswer(() => shop!.PlaceOrder(
            new ShopifySimOrderRequest("shopper@example.com", [new("A", 3)], ShopifyGid.Location(Location(1)))));
        await using var harness = await StartAsync(fixture, 1, ["A"]);
        shop = harness.Simulator;
        var location = Location(1);
        harness.Simulator.InjectFaults(new ShopifySimFaults { FailAfterApply = new CountFault(1) });
        var dispatcher = harness.StartDispatcher(FastRetries with { MaxRetries = 0 }, sale);

        await harness.CommitAsync(("A", location, 10));
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);

        sale.Sales.Should().Be(1);
        harness.Level("A", location).Should().Match<ShopifySimInventoryRow>(r => r.OnHand == 10 && r.Committed == 3 && r.Available == 7);
        var calls = harness.SetCalls();
        calls.Select(c => (c.HttpStatus, c.Outcome)).Should().Equal((503, "failAfterApply:applied"), (200, "replayed"));
        calls.Select(c => c.IdempotencyKey).Distinct().Should().ContainSingle("the same outbox rows give the same key");
        dispatcher.Status.LastError.Should().NotBeNull("the first cycle failed");
    }

    /// <summary>On the first 5xx answer, makes a sale in the shop before the dispatcher sees the failure.</summary>
    private sealed class SaleOnLostAnswer(Action sell) : DelegatingHandler(new HttpClientHandler())
    {
        private int _sales;

        public int Sales => Volatile.Read(ref _sales);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode >= 500 && Interlocked.Exchange(ref _sales, 1) == 0)
            {
                sell();
            }

            return response;
        }
    }
}
