using CdcBridge.Channels.Dispatch;
using CdcBridge.Testing;
using static CdcBridge.Channels.Tests.Dispatch.DispatchHarness;

namespace CdcBridge.Channels.Tests.Dispatch;

/// <summary>
/// SKU → inventory item ids are cached, refreshed after their TTL, and looked up again when Shopify says an id is gone
/// (a variant deleted and re-created in the admin gets a new inventory item).
/// </summary>
[Collection(Serial)]
public sealed class DispatcherSkuLookupTests(RegistryInfrastructure fixture)
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_inventory_item_id_shopify_no_longer_knows_is_looked_up_again_and_the_push_lands()
    {
        await using var harness = await StartAsync(fixture, 1, ["A", "B"]);
        var location = Location(1);
        StaleIds? lookups = null;
        var dispatcher = harness.StartDispatcher(wrap: inner => lookups = new StaleIds(inner, staleLookups: 1));
        await dispatcher.NextCycle.WaitAsync(Drain, Ct);

        await harness.CommitAsync(("A", location, 5), ("B", location, 2));
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);

        harness.Level("A", location).OnHand.Should().Be(5);
        harness.Level("B", location).OnHand.Should().Be(2);
        lookups!.Lookups("A").Should().Be(2, "the id Shopify refused is looked up once more");
        (await harness.ParkedAsync()).Should().BeEmpty();
        harness.SetCalls().Select(c => c.Outcome).Should().Equal("userErrors:INVALID_INVENTORY_ITEM", "applied");
    }

    [Fact]
    public async Task A_sku_whose_id_shopify_refuses_again_after_a_fresh_lookup_is_parked_and_the_others_land()
    {
        await using var harness = await StartAsync(fixture, 1, ["A", "B"]);
        var location = Location(1);
        StaleIds? lookups = null;
        var dispatcher = harness.StartDispatcher(wrap: inner => lookups = new StaleIds(inner, staleLookups: int.MaxValue));
        await dispatcher.NextCycle.WaitAsync(Drain, Ct);

        await harness.CommitAsync(("A", location, 5), ("B", location, 2));
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);

        (await harness.ParkedAsync()).Select(p => (p.Sku, p.Code)).Should().Equal(("A", "INVALID_INVENTORY_ITEM"));
        lookups!.Lookups("A").Should().Be(2);
        harness.Level("B", location).OnHand.Should().Be(2);
    }

    [Fact]
    public async Task Lookups_are_cached_until_their_ttl_and_then_refreshed()
    {
        await using var harness = await StartAsync(fixture, 1, ["A"]);
        var location = Location(1);
        var clock = new ManualClock();
        StaleIds? lookups = null;
        var dispatcher = harness.StartDispatcher(wrap: inner => lookups = new StaleIds(inner, staleLookups: 0), time: clock,
            options: new ShopifyDispatcherOptions { SkuCacheTtl = TimeSpan.FromMinutes(10) });
        await dispatcher.NextCycle.WaitAsync(Drain, Ct);

        await harness.CommitAsync(("A", location, 1));
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);
        clock.Advance(TimeSpan.FromMinutes(9));
        await harness.CommitAsync(("A", location, 2));
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);
        lookups!.Lookups("A").Should().Be(1, "within the TTL the cached id is used");

        clock.Advance(TimeSpan.FromMinutes(2));
        await harness.CommitAsync(("A", location, 3));
        await dispatcher.WaitUntilDrainedAsync(Drain, Ct);
        lookups.Lookups("A").Should().Be(2, "after the TTL the SKU is looked up again");
        harness.Level("A", location).OnHand.Should().Be(3);
    }

    /// <summary>Answers the first <c>staleLookups</c> lookups of each SKU with an id Shopify does not know (as after a re-created variant).</summary>
    private sealed class StaleIds(IShopifyInventory inner, int staleLookups) : IShopifyInventory
    {
        private readonly Dictionary<string, int> _lookups = new(StringComparer.Ordinal);

        public int Lookups(string sku)
        {
            lock (_lookups)
            {
                return _lookups.GetValueOrDefault(sku);
            }
        }

        public async Task<IReadOnlyDictionary<string, long>> FindInventoryItemsAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
        {
            var found = await inner.FindInventoryItemsAsync(skus, ct);
            var answer = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (sku, id) in found)
            {
                int count;
                lock (_lookups)
                {
                    count = _lookups[sku] = _lookups.GetValueOrDefault(sku) + 1;
                }

                answer[sku] = count <= staleLookups && sku == "A" ? id + 999_999 : id;
            }

            return answer;
        }

        public Task<IReadOnlyDictionary<long, int>> ReadOnHandAsync(long locationId, CancellationToken ct) => inner.ReadOnHandAsync(locationId, ct);

        public Task<OnHandSetResult> SetOnHandAsync(string idempotencyKey, string referenceDocumentUri, IReadOnlyList<OnHandChange> changes, CancellationToken ct) =>
            inner.SetOnHandAsync(idempotencyKey, referenceDocumentUri, changes, ct);

        public bool IsPermanent(Exception exception) => inner.IsPermanent(exception);
    }

    /// <summary>Wall-clock time that moves only when told; timers and timestamps stay real.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private TimeSpan _offset;

        public void Advance(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
    }
}
