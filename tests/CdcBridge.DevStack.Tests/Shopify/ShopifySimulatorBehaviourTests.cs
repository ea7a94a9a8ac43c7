using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Testing;
using Npgsql;
using static CdcBridge.DevStack.Tests.Shopify.CapturedFacts;

namespace CdcBridge.DevStack.Tests.Shopify;

/// <summary>The simulator's bucket, key retention, orders, inspection and fault endpoints, paging and its Odoo catalog.</summary>
public sealed class ShopifySimulatorBehaviourTests(InfrastructureFixture fixture)
{
    private static readonly long LocationA = ShopifyCatalog.LocationIdBase + 1;
    private static readonly long LocationB = ShopifyCatalog.LocationIdBase + 2;
    private static readonly string Item1 = ShopifyGid.InventoryItem(ShopifyCatalog.InventoryItemIdBase + 1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject SetVariables(long quantity, long? changeFrom, string key, long location = 0) => new()
    {
        ["input"] = new JsonObject
        {
            ["name"] = "available",
            ["reason"] = "correction",
            ["referenceDocumentUri"] = "logistics://cdcbridge/set/1",
            ["quantities"] = new JsonArray(new JsonObject
            {
                ["inventoryItemId"] = Item1,
                ["locationId"] = ShopifyGid.Location(location == 0 ? LocationA : location),
                ["quantity"] = quantity,
                ["changeFromQuantity"] = changeFrom,
            }),
        },
        ["idempotencyKey"] = key,
    };

    [Fact]
    public async Task A_burst_drains_the_bucket_until_throttled_and_the_refill_lets_requests_through_again()
    {
        var clock = new ManualTimeProvider();
        await using var sim = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions
        {
            Catalog = ShopifyCatalog.Create(["Shop location"], ["SKU-1"]),
            TimeProvider = clock,
        }, ct: Ct);
        using var http = new SimulatorHttp(sim);

        // 2000 points, 13 per call (requested 13, actual 13 when applied); no time passes on this clock.
        var accepted = 0;
        SimulatorHttp.Reply reply;
        while (true)
        {
            reply = await http.GraphQlAsync(SetMutation, SetVariables(accepted + 1, null, $"burst-{accepted}"), ct: Ct);
            if (reply.Body["errors"] is not null)
            {
                break;
            }

            accepted++;
        }

        accepted.Should().Be(2000 / 13);
        var expected = """
            {"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED","documentation":"https://shopify.dev/api/usage/rate-limits"}}],
             "extensions":{"cost":{"requestedQueryCost":13,"actualQueryCost":null,
               "throttleStatus":{"maximumAvailable":2000,"currentlyAvailable":11,"restoreRate":100}}}}
            """;
        reply.Status.Should().Be(HttpStatusCode.OK);
        JsonNode.DeepEquals(reply.Body, JsonNode.Parse(expected)).Should().BeTrue(reply.Body.ToJsonString());
        sim.Level("SKU-1", LocationA).Available.Should().Be(accepted, "a throttled call executes nothing");

        clock.Advance(TimeSpan.FromMilliseconds(10)); // 11 + 1 point: still short
        (await http.GraphQlAsync(SetMutation, SetVariables(999, null, "after-10ms"), ct: Ct)).Body["errors"]![0]!["message"]!.GetValue<string>().Should().Be("Throttled");

        clock.Advance(TimeSpan.FromSeconds(1)); // + 100 points
        var refilled = await http.GraphQlAsync(SetMutation, SetVariables(999, null, "after-1s"), ct: Ct);
        refilled.Body["errors"].Should().BeNull();
        refilled.Cost["throttleStatus"]!["currentlyAvailable"]!.GetValue<double>().Should().Be(11 + 1 + 100 - 13);
        sim.Requests().Count(r => r.Throttled).Should().Be(2);
        sim.Requests()[^1].CurrentlyAvailable.Should().Be(99);
    }

    [Fact]
    public async Task Idempotency_keys_are_kept_for_24_hours_and_then_forgotten()
    {
        var clock = new ManualTimeProvider();
        await using var sim = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions
        {
            Catalog = ShopifyCatalog.Create(["Shop location"], ["SKU-1"]),
            TimeProvider = clock,
        }, ct: Ct);
        using var http = new SimulatorHttp(sim);
        var variables = SetVariables(5, null, "kept-key");
        await http.GraphQlAsync(SetMutation, variables, ct: Ct);
        sim.InjectFaults(new ShopifySimFaults { ConcurrentAdjust = new ConcurrentAdjustFault("SKU-1", LocationA.ToString(System.Globalization.CultureInfo.InvariantCulture), "available", -5) });

        clock.Advance(TimeSpan.FromHours(23));
        var replayed = await http.GraphQlAsync(SetMutation, variables, ct: Ct);
        clock.Advance(TimeSpan.FromHours(1.01));
        var fresh = await http.GraphQlAsync(SetMutation, variables, ct: Ct);

        replayed.Data!["inventorySetQuantities"]!["inventoryAdjustmentGroup"]!["changes"]![0]!["delta"]!.GetValue<int>().Should().Be(5);
        sim.Requests().Select(r => r.Outcome).Should().Equal("applied", "replayed", "applied");
        fresh.Data!["inventorySetQuantities"]!["inventoryAdjustmentGroup"]!["id"]!.GetValue<string>()
            .Should().NotBe(replayed.Data!["inventorySetQuantities"]!["inventoryAdjustmentGroup"]!["id"]!.GetValue<string>());
        sim.Level("SKU-1", LocationA).Available.Should().Be(5);
    }

    [Fact]
    public async Task Orders_move_available_to_committed_at_the_first_location_that_can_ship_them()
    {
        await using var sim = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions
        {
            Catalog = ShopifyCatalog.Create(["Flagship", "Outlet"], ["SKU-1", "SKU-2"]),
        }, ct: Ct);
        using var http = new SimulatorHttp(sim);
        await http.GraphQlAsync(SetMutation, SetVariables(1, 0, "stock-a"), ct: Ct);
        await http.GraphQlAsync(SetMutation, SetVariables(10, 0, "stock-b", LocationB), ct: Ct);
        var placed = new List<ShopifySimOrder>();
        sim.OrderPlaced += (_, e) => placed.Add(e.Order);

        using var response = await http.PostJsonAsync("/_sim/orders", new { email = "ann@example.com", lines = new[] { new { sku = "SKU-1", quantity = 3 } } }, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        body["name"]!.GetValue<string>().Should().Be("#1001");
        body["admin_graphql_api_id"]!.GetValue<string>().Should().Be(ShopifyGid.Order(body["id"]!.GetValue<long>()));
        var atB = sim.Level("SKU-1", LocationB);
        (atB.Available, atB.Committed, atB.OnHand).Should().Be((7, 3, 10), "Flagship has only 1, the Outlet can ship 3");
        (sim.Level("SKU-1", LocationA) is { Available: 1, Committed: 0 }).Should().BeTrue();
        placed.Should().ContainSingle().Which.Id.Should().Be(body["id"]!.GetValue<long>());

        // Nowhere can ship 20: the first location takes it and goes negative.
        sim.PlaceOrder(new ShopifySimOrderRequest(null, [new("SKU-1", 20)]));
        (sim.Level("SKU-1", LocationA) is { Available: -19, Committed: 20, OnHand: 1 }).Should().BeTrue();

        using var unknown = await http.PostJsonAsync("/_sim/orders", new { email = "x@example.com", lines = new[] { new { sku = "NOPE", quantity = 1 } } }, Ct);
        unknown.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await unknown.Content.ReadAsStringAsync(Ct)).Should().Contain("Unknown SKU 'NOPE'");

        var orders = await http.GetAsync("/_sim/orders", Ct);
        orders.AsArray().Should().HaveCount(2);
        var inventory = await http.GetAsync("/_sim/inventory?sku=SKU-1", Ct);
        inventory.AsArray().Select(r => (r!["locationName"]!.GetValue<string>(), r["available"]!.GetValue<int>(), r["onHand"]!.GetValue<int>(), r["committed"]!.GetValue<int>()))
            .Should().Equal(("Flagship", -19, 1, 20), ("Outlet", 7, 10, 3));
        inventory[0]!["inventoryItemId"]!.GetValue<string>().Should().Be(Item1);
    }

    [Fact]
    public async Task Faults_over_http_fail_requests_lose_applied_responses_and_the_request_log_tells_what_happened()
    {
        await using var sim = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions
        {
            Catalog = ShopifyCatalog.Create(["Shop location"], ["SKU-1"]),
        }, ct: Ct);
        using var http = new SimulatorHttp(sim);

        (await http.PostJsonAsync("/_sim/faults", new { http5xx = new { count = 1, status = 502 } }, Ct)).EnsureSuccessStatusCode();
        var failed = await http.GraphQlAsync(SetMutation, SetVariables(5, 0, "k1"), ct: Ct);
        failed.Status.Should().Be(HttpStatusCode.BadGateway);
        sim.Level("SKU-1", LocationA).Available.Should().Be(0, "a 5xx fault answers without executing");

        (await http.PostJsonAsync("/_sim/faults", new { failAfterApply = new { count = 1 } }, Ct)).EnsureSuccessStatusCode();
        var lost = await http.GraphQlAsync(SetMutation, SetVariables(5, 0, "k1"), ct: Ct);
        lost.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        sim.Level("SKU-1", LocationA).Available.Should().Be(5, "applied, then the answer was lost");
        var retried = await http.GraphQlAsync(SetMutation, SetVariables(5, 0, "k1"), ct: Ct);
        retried.Data!["inventorySetQuantities"]!["inventoryAdjustmentGroup"]!["changes"]![0]!["delta"]!.GetValue<int>().Should().Be(5);
        sim.Level("SKU-1", LocationA).Available.Should().Be(5);

        using var adjust = await http.PostJsonAsync("/_sim/faults",
            new { concurrentAdjust = new { sku = "SKU-1", locationId = ShopifyGid.Location(LocationA), name = "on_hand", delta = 2 } }, Ct);
        (await adjust.Content.ReadFromJsonAsync<JsonObject>(Ct))!["adjusted"]!["available"]!.GetValue<int>().Should().Be(7);

        var log = await http.GetAsync("/_sim/requests", Ct);
        log.AsArray().Select(r => (r!["httpStatus"]!.GetValue<int>(), r["outcome"]!.GetValue<string>())).Should().Equal(
            (502, "http502"), (503, "failAfterApply:applied"), (200, "replayed"));
        log[1]!["idempotencyKey"]!.GetValue<string>().Should().Be("k1");
        log[1]!["quantities"]!.GetValue<int>().Should().Be(1);
        log[1]!["rootFields"]![0]!.GetValue<string>().Should().Be("inventorySetQuantities");
        log[1]!["operationName"]!.GetValue<string>().Should().Be("InventoryQuantityContractSet");
        var since = log[1]!["seq"]!.GetValue<long>();
        (await http.GetAsync($"/_sim/requests?since={since}", Ct)).AsArray().Should().ContainSingle();

        (await http.PostJsonAsync("/_sim/faults", new { throttleStorm = new { seconds = 30 } }, Ct)).EnsureSuccessStatusCode();
        var stormed = await http.GraphQlAsync(SetMutation, SetVariables(9, null, "k2"), ct: Ct);
        stormed.Body["errors"]![0]!["extensions"]!["code"]!.GetValue<string>().Should().Be("THROTTLED");
        stormed.Cost["throttleStatus"]!["currentlyAvailable"]!.GetValue<double>().Should().BeLessThan(-2900, "the storm is reported as a debt of 30 s of refill");
        using (var clear = new HttpRequestMessage(HttpMethod.Delete, "/_sim/faults"))
        using (var client = new HttpClient { BaseAddress = new Uri(sim.Url) })
        {
            (await client.SendAsync(clear, Ct)).StatusCode.Should().Be(HttpStatusCode.NoContent);
            (await client.DeleteAsync("/_sim/requests", Ct)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        (await http.GraphQlAsync(SetMutation, SetVariables(9, null, "k2"), ct: Ct)).Body["errors"].Should().BeNull();
        sim.Requests().Should().ContainSingle().Which.Outcome.Should().Be("applied");
    }

    [Fact]
    public async Task Variant_search_is_fuzzy_on_sku_tokens_and_connections_page_with_cursors()
    {
        await using var sim = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions
        {
            Catalog = ShopifyCatalog.Create(["A", "B", "C"], ["TEE-1", "TEE-10", "tee-100", "CAP-1", "SOCK \"X\""]),
        }, ct: Ct);
        using var http = new SimulatorHttp(sim);
        const string Search = "query($q: String) { productVariants(first: 10, query: $q) { nodes { sku } } }";

        async Task<string[]> SkusAsync(string query) =>
            (await http.GraphQlAsync(Search, new JsonObject { ["q"] = query }, ct: Ct)).Data!["productVariants"]!["nodes"]!.AsArray()
                .Select(n => n!["sku"]!.GetValue<string>()).ToArray();

        (await SkusAsync("sku:TEE-1")).Should().Equal("TEE-1", "TEE-10", "tee-100");
        (await SkusAsync("sku:\"CAP-1\" OR sku:\"SOCK \\\"X\\\"\"")).Should().Equal("CAP-1", "SOCK \"X\"");

        const string Locations = "query($after: String) { locations(first: 2, after: $after) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }";
        var page1 = (await http.GraphQlAsync(Locations, new JsonObject(), ct: Ct)).Data!["locations"]!;
        page1["edges"]!.AsArray().Select(e => e!["node"]!["name"]!.GetValue<string>()).Should().Equal("A", "B");
        page1["pageInfo"]!["hasNextPage"]!.GetValue<bool>().Should().BeTrue();
        var page2 = (await http.GraphQlAsync(Locations, new JsonObject { ["after"] = page1["pageInfo"]!["endCursor"]!.GetValue<string>() }, ct: Ct)).Data!["locations"]!;
        page2["edges"]!.AsArray().Select(e => e!["node"]!["name"]!.GetValue<string>()).Should().Equal("C");
        page2["pageInfo"]!["hasNextPage"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task The_catalog_from_the_seeded_odoo_database_has_a_location_per_warehouse_and_a_tracked_item_per_storable_sku()
    {
        await using var odoo = new NpgsqlConnection(await fixture.Infrastructure.CreateOdooDatabaseAsync(Ct));
        await odoo.OpenAsync(Ct);

        var catalog = await ShopifyCatalog.FromOdooAsync(odoo, Ct);

        var warehouses = await RowsAsync(odoo, "SELECT id, name FROM stock_warehouse WHERE active ORDER BY id");
        catalog.Locations.Select(l => (l.Id, l.Name)).Should().Equal(
            warehouses.Select(w => (ShopifyCatalog.LocationIdBase + (int)w[0], (string)w[1])));
        catalog.Locations.Should().HaveCount(TestRetailer.Options.Warehouses);
        var storable = await RowsAsync(odoo, """
            SELECT p.id, p.default_code FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
            WHERE p.active AND p.default_code IS NOT NULL AND t.type = 'product' ORDER BY p.id
            """);
        storable.Count.Should().BeGreaterThan(100).And.BeLessThan(TestRetailer.Options.Products, "consumables are left out");
        catalog.Variants.Select(v => (v.Sku, v.InventoryItemId, v.VariantId)).Should().Equal(storable.Select(p =>
            ((string)p[1], ShopifyCatalog.InventoryItemIdBase + (int)p[0], ShopifyCatalog.VariantIdBase + (int)p[0])));
        catalog.Variants.Should().OnlyContain(v => v.Tracked && v.ProductTitle.Length > 0);

        await using var sim = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { Catalog = catalog }, ct: Ct);
        sim.Inventory().Should().HaveCount(catalog.Variants.Count * catalog.Locations.Count).And.OnlyContain(r => r.Available == 0 && r.OnHand == 0);
    }

    private static async Task<List<object[]>> RowsAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<object[]>();
        while (await reader.ReadAsync(Ct))
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }
}
