using CdcBridge.DevStack.Shopify;
using CdcBridge.Testing;
using static CdcBridge.Channels.Tests.Dispatch.DispatchHarness;

namespace CdcBridge.Channels.Tests.Dispatch;

/// <summary>A push Shopify will always refuse is parked with Shopify's reason; it never holds up the others.</summary>
[Collection(Serial)]
public sealed class DispatcherParkingTests(RegistryInfrastructure fixture)
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Entries_shopify_refuses_for_good_are_parked_with_the_reason_and_the_rest_of_the_call_lands()
    {
        await using var harness = await StartAsync(fixture, 1, ["A", "B", "C", "D"]);
        var location = Location(1);
        var dispatcher = harness.StartDispatcher();
        await dispatcher.NextCycle.WaitAsync(Drain, Ct);

        // One commit, one call of four entries: Shopify refuses B (above its bound) and D (negative on_hand), and so the whole call.
        await harness.CommitAsync(("A", location, 5), ("B", location, 1_500_000_000), ("C", location, 7), ("D", location, -3));
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);

        (await harness.ParkedAsync()).Should().Equal(
            new ParkedPush("B", location, 1_500_000_000, "INVALID_QUANTITY_TOO_HIGH", "The quantity can't be higher than 1,000,000,000."),
            new ParkedPush("D", location, -3, "INVALID_QUANTITY_NEGATIVE", "The quantity can't be negative."));
        harness.Simulator.Inventory().Select(r => (r.Sku, r.OnHand)).Should().Equal(("A", 5L), ("B", 0L), ("C", 7L), ("D", 0L));
        harness.SetCalls().Select(c => (c.Outcome, c.Quantities)).Should().Equal(
            ("userErrors:INVALID_QUANTITY_TOO_HIGH,INVALID_QUANTITY_NEGATIVE", 4), ("applied", 2));
        dispatcher.Status.Parked.Should().Be(2);

        // A parked entry does not poison its SKU: B's next value goes out as usual.
        await harness.CommitAsync(("B", location, 9));
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);
        harness.Level("B", location).OnHand.Should().Be(9);
        (await harness.ParkedAsync()).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_row_for_a_location_the_store_does_not_have_is_parked_and_does_not_hold_up_the_store()
    {
        await using var harness = await StartAsync(fixture, 1, ["A", "B"]);
        var location = Location(1);
        var gone = Location(99); // e.g. a location deleted in Shopify that the configuration still maps
        var dispatcher = harness.StartDispatcher();
        await dispatcher.NextCycle.WaitAsync(Drain, Ct);

        await harness.CommitAsync(("A", gone, 4), ("B", location, 3));
        await UntilAsync(dispatcher, () => harness.Level("B", location).OnHand == 3 || dispatcher.Status.LastError is not null, "B arrived or a cycle failed",
            TimeSpan.FromSeconds(15));

        dispatcher.Status.LastError.Should().BeNull("one row Shopify cannot take must not fail the store's dispatch");
        await dispatcher.WaitUntilDrainedAsync(TimeSpan.FromSeconds(15), Ct);
        harness.Level("B", location).OnHand.Should().Be(3);
        (await harness.ParkedAsync()).Should().ContainSingle().Which.Should().Match<ParkedPush>(p => p.Sku == "A" && p.LocationId == gone && p.OnHand == 4);
    }
}
