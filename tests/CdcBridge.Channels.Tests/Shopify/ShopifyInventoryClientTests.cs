using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using CdcBridge.Channels.Shopify;
using CdcBridge.DevStack.Shopify;
using static CdcBridge.Channels.Tests.Shopify.SimulatedStore;

namespace CdcBridge.Channels.Tests.Shopify;

public sealed class ShopifyInventoryClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SetQuantitiesRequest OnHand(string key, params (long Item, long Location, int Quantity, int? ChangeFrom)[] entries) =>
        new("on_hand", "correction", "gid://cdcbridge/StockSync/test", key,
            entries.Select(e => new SetQuantityEntry(e.Item, e.Location, e.Quantity, e.ChangeFrom)).ToList());

    [Fact]
    public void A_store_needs_api_version_2026_04_or_later_and_never_prints_its_token()
    {
        var act = () => new ShopifyStore("x.myshopify.com", new Uri("https://x.myshopify.com"), "2026-01", "shpat_secret");
        act.Should().Throw<ArgumentException>().WithMessage("*2026-01 is older than 2026-04*");
        var malformed = () => ShopifyStore.Production("x.myshopify.com", "2026-4", "shpat_secret");
        malformed.Should().Throw<ArgumentException>().WithMessage("*YYYY-MM*");

        var store = ShopifyStore.Production("x.myshopify.com", "2026-07", "shpat_secret");

        store.GraphQlEndpoint.Should().Be(new Uri("https://x.myshopify.com/admin/api/2026-07/graphql.json"));
        store.ToString().Should().NotContain("shpat_secret").And.Contain("x.myshopify.com");
    }

    [Fact]
    public async Task Locations_come_back_with_numeric_ids_and_gids()
    {
        await using var store = await StartAsync(["Flagship", "Outlet"], ["A"]);

        var locations = await store.Client.GetLocationsAsync(Ct);

        locations.Should().Equal(
            new ShopifyLocation(Location(1), ShopifyGid.Location(Location(1)), "Flagship", true, true),
            new ShopifyLocation(Location(2), ShopifyGid.Location(Location(2)), "Outlet", true, true));
    }

    [Fact]
    public async Task Sku_lookup_keeps_exact_matches_of_the_fuzzy_search_and_never_guesses_a_duplicate()
    {
        // 300 SKUs that merely contain "TEE-1": the search for it spans two pages of 250.
        string[] skus = ["TEE-1", "tee-1", "TEE-10", "A \"quoted\" \\ sku", "DUP-7", "DUP-7", .. Enumerable.Range(0, 300).Select(i => $"TEE-1-{i:D3}")];
        await using var store = await StartAsync(["Shop location"], skus, clientOptions: FastRetries with { SkusPerSearch = 2 });

        var found = await store.Client.FindVariantsBySkuAsync(["TEE-1", "tee-1", "A \"quoted\" \\ sku", "DUP-7", "MISSING"], Ct);

        found.Keys.Should().BeEquivalentTo("TEE-1", "tee-1", "A \"quoted\" \\ sku");
        found["TEE-1"].Should().Be(new ShopifyVariantRef("TEE-1", ShopifyCatalog.VariantIdBase + 1, ShopifyGid.ProductVariant(ShopifyCatalog.VariantIdBase + 1),
            Item(1), ShopifyGid.InventoryItem(Item(1)), true));
        found["tee-1"].InventoryItemId.Should().Be(Item(2));
        found["A \"quoted\" \\ sku"].InventoryItemId.Should().Be(Item(4));
        found.ContainsKey("DUP-7").Should().BeFalse();
        found.Ambiguous["DUP-7"].Select(v => v.InventoryItemId).Should().Equal(Item(5), Item(6));
        var searches = store.Simulator.Requests().Where(r => r.OperationName == "CdcBridgeVariantsBySku").ToList();
        searches.Should().HaveCountGreaterThan(3, "3 batches of 2 SKUs, the first over two pages");
    }

    [Fact]
    public async Task Levels_at_a_location_are_read_in_pages_of_250()
    {
        var skus = Enumerable.Range(1, 600).Select(i => $"SKU-{i:D4}").ToList();
        await using var store = await StartAsync(["Shop location", "Elsewhere"], skus);
        store.Simulator.InjectFaults(new ShopifySimFaults { ConcurrentAdjust = new ConcurrentAdjustFault("SKU-0001", Location(1).ToString(System.Globalization.CultureInfo.InvariantCulture), "available", 9) });
        store.Simulator.InjectFaults(new ShopifySimFaults { ConcurrentAdjust = new ConcurrentAdjustFault("SKU-0599", Location(1).ToString(System.Globalization.CultureInfo.InvariantCulture), "available", 4) });
        store.Simulator.PlaceOrder(new ShopifySimOrderRequest("a@example.com", [new("SKU-0599", 3)], ShopifyGid.Location(Location(1))));

        var levels = await store.Client.ReadLevelsAsync(Location(1), Ct);

        levels.Should().HaveCount(600);
        levels[Item(1)].Should().Be(new ShopifyLevel(9, 9, 0));
        levels[Item(599)].Should().Be(new ShopifyLevel(1, 4, 3));
        levels[Item(300)].Should().Be(new ShopifyLevel(0, 0, 0));
        store.Simulator.Requests().Where(r => r.OperationName == "CdcBridgeLocationLevels").Should().HaveCount(3);
        var missing = () => store.Client.ReadLevelsAsync(Location(9), Ct);
        (await missing.Should().ThrowAsync<ShopifyApiException>()).Which.IsPermanent.Should().BeTrue();
    }

    [Fact]
    public async Task Setting_on_hand_with_compare_and_swap_applies_and_a_stale_call_names_the_stale_entries_and_changes_nothing()
    {
        await using var store = await StartAsync(["Shop location"], ["A", "B", "C"]);
        var client = store.Client;

        var applied = await client.SetQuantitiesAsync(OnHand("set-1", (Item(1), Location(1), 10, 0), (Item(2), Location(1), 20, 0), (Item(3), Location(1), 30, 0)), Ct);

        applied.Result.Should().Be(SetQuantitiesResult.Applied);
        applied.AdjustmentGroupId.Should().StartWith("gid://shopify/InventoryAdjustmentGroup/");
        applied.Changes.Should().HaveCount(6).And.Contain(new ShopifyQuantityChange("on_hand", 20, Item(2), Location(1)));

        // Another app moves B and C; the sidecar's next push still expects 20 and 30.
        var location = ShopifyGid.Location(Location(1));
        store.Simulator.InjectFaults(new ShopifySimFaults { ConcurrentAdjust = new ConcurrentAdjustFault("B", location, "on_hand", -1) });
        store.Simulator.InjectFaults(new ShopifySimFaults { ConcurrentAdjust = new ConcurrentAdjustFault("C", location, "available", 2) });
        var stale = await client.SetQuantitiesAsync(OnHand("set-2", (Item(1), Location(1), 11, 10), (Item(2), Location(1), 21, 20), (Item(3), Location(1), 31, 30)), Ct);

        stale.Result.Should().Be(SetQuantitiesResult.Rejected);
        stale.StaleEntries.Should().Equal(1, 2);
        stale.UserErrors[0].Should().BeEquivalentTo(new
        {
            Code = "CHANGE_FROM_QUANTITY_STALE",
            Field = new[] { "input", "quantities", "1", "changeFromQuantity" },
            Message = "The changeFromQuantity value does not match persisted value.",
            QuantityIndex = 1,
        });
        store.Simulator.Inventory().Select(r => r.OnHand).Should().Equal(10, 19, 32);

        var retried = await client.SetQuantitiesAsync(OnHand("set-3", (Item(1), Location(1), 11, 10), (Item(2), Location(1), 21, 19), (Item(3), Location(1), 31, 32)), Ct);
        retried.Result.Should().Be(SetQuantitiesResult.Applied);
        var again = await client.SetQuantitiesAsync(OnHand("set-4", (Item(1), Location(1), 11, 11)), Ct);
        again.Result.Should().Be(SetQuantitiesResult.NoOp);
        store.Simulator.Inventory().Select(r => r.OnHand).Should().Equal(11, 21, 31);
    }

    [Fact]
    public async Task A_call_lost_after_shopify_applied_it_is_retried_with_the_same_key_and_applied_exactly_once()
    {
        await using var store = await StartAsync(["Shop location"], ["A"]);
        store.Simulator.InjectFaults(new ShopifySimFaults { FailAfterApply = new CountFault(1) });

        var outcome = await store.Client.SetQuantitiesAsync(OnHand("lost-1", (Item(1), Location(1), 5, null)), Ct);

        outcome.Result.Should().Be(SetQuantitiesResult.Applied, "the replay of the original answer, not a no-op");
        outcome.Changes.Should().Contain(new ShopifyQuantityChange("on_hand", 5, Item(1), Location(1)));
        store.Simulator.Level("A", Location(1)).OnHand.Should().Be(5);
        store.Simulator.Requests().Select(r => (r.HttpStatus, r.Outcome, r.IdempotencyKey)).Should().Equal(
            (503, "failAfterApply:applied", "lost-1"), (200, "replayed", "lost-1"));
        store.Client.Snapshot().Retries.Should().Be(1);
    }

    [Fact]
    public async Task Server_errors_are_retried_until_the_call_gets_through()
    {
        await using var store = await StartAsync(["Shop location"], ["A"]);
        store.Simulator.InjectFaults(new ShopifySimFaults { Http5xx = new Http5xxFault(2, 503) });

        var outcome = await store.Client.SetQuantitiesAsync(OnHand("flaky-1", (Item(1), Location(1), 3, 0)), Ct);

        outcome.Result.Should().Be(SetQuantitiesResult.Applied);
        store.Simulator.Requests().Select(r => r.Outcome).Should().Equal("http503", "http503", "applied");
        store.Client.Snapshot().Should().Match<ShopifyClientSnapshot>(s => s.Retries == 2 && s.Calls == 3 && s.Failures == 0);
    }

    [Fact]
    public async Task Retries_give_up_with_a_transient_exception_and_permanent_errors_are_not_retried()
    {
        await using var store = await StartAsync(["Shop location"], ["A"]);
        store.Simulator.InjectFaults(new ShopifySimFaults { Http5xx = new Http5xxFault(100, 502) });

        var exhausted = () => store.Client.SetQuantitiesAsync(OnHand("down-1", (Item(1), Location(1), 3, 0)), Ct);
        var transient = (await exhausted.Should().ThrowAsync<ShopifyApiException>()).Which;
        transient.Should().Match<ShopifyApiException>(e => !e.IsPermanent && e.Code == "HTTP_502" && e.HttpStatus == 502);
        store.Simulator.Requests().Should().HaveCount(1 + FastRetries.MaxRetries);
        store.Simulator.ClearFaults();
        store.Simulator.ClearRequests();

        var bogus = () => store.Client.QueryAsync("Bogus", "query Bogus { bogus { id } }", new JsonObject(), 1, Ct);
        var graphQl = (await bogus.Should().ThrowAsync<ShopifyApiException>()).Which;
        graphQl.Should().Match<ShopifyApiException>(e => e.IsPermanent && e.Code == "undefinedField");
        graphQl.Message.Should().Contain("Field 'bogus' doesn't exist on type 'QueryRoot'");
        store.Simulator.Requests().Should().ContainSingle();

        var wrongToken = new ShopifyInventoryClient(new ShopifyStore(store.Simulator.ShopDomain, new Uri(store.Simulator.Url), "2026-04", "shpat_wrong"),
            store.Http, FastRetries);
        var unauthorized = () => wrongToken.GetLocationsAsync(Ct);
        (await unauthorized.Should().ThrowAsync<ShopifyApiException>()).Which.Should().Match<ShopifyApiException>(e => e.IsPermanent && e.HttpStatus == 401);
        wrongToken.Snapshot().Should().Match<ShopifyClientSnapshot>(s => s.Calls == 1 && s.Retries == 0);
    }

    [Fact]
    public async Task A_throttle_storm_is_waited_out_after_at_most_one_throttled_answer()
    {
        await using var store = await StartAsync(["Shop location"], ["A"]);
        await store.Client.GetLocationsAsync(Ct); // the client has seen the bucket
        store.Simulator.ClearRequests();
        store.Simulator.InjectFaults(new ShopifySimFaults { ThrottleStorm = new ThrottleStormFault(1.5) });
        var clock = Stopwatch.StartNew();

        var outcome = await store.Client.SetQuantitiesAsync(OnHand("storm-1", (Item(1), Location(1), 7, 0)), Ct);

        outcome.Result.Should().Be(SetQuantitiesResult.Applied);
        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(1.4), "the storm holds the refill for 1.5 s");
        store.Simulator.Requests().Select(r => r.Outcome).Should().Equal("throttled", "applied");
        store.Client.Snapshot().Should().Match<ShopifyClientSnapshot>(s => s.Throttled == 1 && s.Failures == 0 && s.Retries == 0);
    }

    [Fact]
    public async Task A_steady_loop_paced_by_the_bucket_is_never_throttled()
    {
        // A tiny, fast bucket: 40 points (3 calls of 13), 2000 points/s, so 300 calls need about 2 s of refill.
        await using var store = await StartAsync(["Shop location"], ["A"], o => o with { RestoreRate = 2000, MaximumAvailable = 40 });
        var calls = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ShopifyMetrics.MeterName && instrument.Name == ShopifyMetrics.Calls)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "shop" && (string?)tag.Value == store.Simulator.ShopDomain)
                {
                    Interlocked.Add(ref calls, value);
                }
            }
        });
        listener.Start();

        for (var i = 1; i <= 300; i++)
        {
            var outcome = await store.Client.SetQuantitiesAsync(OnHand($"steady-{i}", (Item(1), Location(1), i, i - 1)), Ct);
            outcome.Result.Should().Be(SetQuantitiesResult.Applied);
        }

        var log = store.Simulator.Requests();
        log.Should().HaveCount(300).And.OnlyContain(r => !r.Throttled && r.Outcome == "applied");
        store.Simulator.Level("A", Location(1)).OnHand.Should().Be(300);
        var snapshot = store.Client.Snapshot();
        snapshot.Should().Match<ShopifyClientSnapshot>(s => s.Calls == 300 && s.Throttled == 0 && s.CostUsed == 300 * 13 && s.PacingWait > TimeSpan.Zero);
        snapshot.LastThrottleStatus!.Value.MaximumAvailable.Should().Be(40);
        Interlocked.Read(ref calls).Should().Be(300);
    }

    [Fact]
    public async Task One_stores_storm_does_not_hold_up_another_stores_calls()
    {
        using var signal = new SignalingHandler();
        await using var stormy = await StartAsync(["Shop location"], ["A"], handler: signal);
        await using var calm = await StartAsync(["Shop location"], ["A"]);
        stormy.Simulator.InjectFaults(new ShopifySimFaults { ThrottleStorm = new ThrottleStormFault(60) });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var blocked = stormy.Client.SetQuantitiesAsync(OnHand("stormy-1", (Item(1), Location(1), 1, 0)), cancel.Token);
        await signal.FirstResponse; // its THROTTLED answer is in: the client is now waiting out the storm
        for (var i = 1; i <= 20; i++)
        {
            (await calm.Client.SetQuantitiesAsync(OnHand($"calm-{i}", (Item(1), Location(1), i, i - 1)), Ct)).Result.Should().Be(SetQuantitiesResult.Applied);
        }

        blocked.IsCompleted.Should().BeFalse("the stormy store's call is still waiting while the calm store completed 20");
        calm.Simulator.Level("A", Location(1)).OnHand.Should().Be(20);
        stormy.Simulator.Requests().Should().ContainSingle().Which.Throttled.Should().BeTrue();
        await cancel.CancelAsync();
        await ((Func<Task>)(() => blocked)).Should().ThrowAsync<OperationCanceledException>();
        stormy.Simulator.Level("A", Location(1)).OnHand.Should().Be(0);
    }

    [Fact]
    public void A_request_is_validated_before_anything_is_sent()
    {
        var tooMany = OnHand("k", Enumerable.Range(1, 251).Select(i => ((long)i, 1L, 1, (int?)0)).ToArray());
        ((Action)tooMany.Validate).Should().Throw<ArgumentException>().WithMessage("*1 to 250*");
        ((Action)(OnHand("k", (1, 1, 1, 0)) with { Name = "committed" }).Validate).Should().Throw<ArgumentException>();
        ((Action)(OnHand("", (1, 1, 1, 0))).Validate).Should().Throw<ArgumentException>().WithMessage("*idempotency key*");
        ShopifyInventoryClient.QuoteSearchValue("a \"b\" \\c").Should().Be("\"a \\\"b\\\" \\\\c\"");
    }
}
