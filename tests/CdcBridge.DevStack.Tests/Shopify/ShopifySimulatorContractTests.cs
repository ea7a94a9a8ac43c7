using System.Net;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Shopify;
using static CdcBridge.DevStack.Tests.Shopify.CapturedFacts;

namespace CdcBridge.DevStack.Tests.Shopify;

/// <summary>The simulator answers the 2026-04 inventory mutations the way the captured Shopify responses do.</summary>
public sealed class ShopifySimulatorContractTests : IAsyncLifetime
{
    private static readonly long LocationId = ShopifyCatalog.LocationIdBase + 1;
    private static readonly string Location = ShopifyGid.Location(LocationId);
    private static readonly string Item1 = ShopifyGid.InventoryItem(ShopifyCatalog.InventoryItemIdBase + 1);
    private static readonly string Item2 = ShopifyGid.InventoryItem(ShopifyCatalog.InventoryItemIdBase + 2);

    private ShopifySimulator _sim = null!;
    private SimulatorHttp _http = null!;
    private int _keys;

    public async ValueTask InitializeAsync()
    {
        _sim = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions
        {
            Catalog = ShopifyCatalog.Create([ShopLocation, "Back room"], ["SKU-1", "SKU-2", "SKU-3"]),
        }, ct: TestContext.Current.CancellationToken);
        _http = new SimulatorHttp(_sim);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _sim.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string NewKey() => $"key-{Interlocked.Increment(ref _keys)}";

    private static JsonObject SetInput(string name, params (string Item, string Location, long Quantity, long? ChangeFrom)[] entries) => new()
    {
        ["name"] = name,
        ["reason"] = "correction",
        ["referenceDocumentUri"] = "logistics://cdcbridge/set/1",
        ["quantities"] = new JsonArray(entries.Select(e => (JsonNode)new JsonObject
        {
            ["inventoryItemId"] = e.Item,
            ["locationId"] = e.Location,
            ["quantity"] = e.Quantity,
            ["changeFromQuantity"] = e.ChangeFrom,
        }).ToArray()),
    };

    private Task<SimulatorHttp.Reply> SetAsync(JsonObject input, string? key = null) =>
        _http.GraphQlAsync(SetMutation, new JsonObject { ["input"] = input.DeepClone(), ["idempotencyKey"] = key ?? NewKey() }, ct: Ct);

    private static JsonNode? Payload(SimulatorHttp.Reply reply, string root = "inventorySetQuantities") => reply.Data![root];

    private static void ShouldHaveUserErrors(SimulatorHttp.Reply reply, string expectedJson, string root = "inventorySetQuantities")
    {
        reply.Status.Should().Be(HttpStatusCode.OK);
        var payload = Payload(reply, root)!;
        payload["inventoryAdjustmentGroup"].Should().BeNull();
        JsonNode.DeepEquals(payload["userErrors"], JsonNode.Parse(expectedJson)).Should().BeTrue(payload["userErrors"]!.ToJsonString());
    }

    [Fact]
    public async Task Setting_available_answers_the_captured_group_shape_and_moves_available_and_on_hand()
    {
        // Source: graphql-2026-04-inventory-quantity-contracts (inventorySetQuantities): set available 0 -> 5 with changeFromQuantity 0.
        var reply = await SetAsync(SetInput("available", (Item1, Location, 5, 0)));

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.Message.Headers.GetValues("X-Shopify-API-Version").Should().Equal("2026-04");
        var group = (JsonObject)Payload(reply)!["inventoryAdjustmentGroup"]!;
        group["id"]!.GetValue<string>().Should().StartWith("gid://shopify/InventoryAdjustmentGroup/");
        group["createdAt"]!.GetValue<string>().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        group.Remove("id");
        group.Remove("createdAt");
        var expected = $$$"""
            {"reason":"correction","referenceDocumentUri":"logistics://cdcbridge/set/1","changes":[
              {"name":"available","delta":5,"quantityAfterChange":null,"item":{"id":"{{{Item1}}}"},"location":{"id":"{{{Location}}}","name":"Shop location"}},
              {"name":"on_hand","delta":5,"quantityAfterChange":null,"item":{"id":"{{{Item1}}}"},"location":{"id":"{{{Location}}}","name":"Shop location"}}]}
            """;
        JsonNode.DeepEquals(group, JsonNode.Parse(expected)).Should().BeTrue(group.ToJsonString());
        Payload(reply)!["userErrors"]!.AsArray().Should().BeEmpty();
        // Captured cost of this selection: requested 13, actual 13, on a 2000/100 bucket.
        reply.Cost["requestedQueryCost"]!.GetValue<int>().Should().Be(13);
        reply.Cost["actualQueryCost"]!.GetValue<int>().Should().Be(13);
        reply.Cost["throttleStatus"]!["maximumAvailable"]!.GetValue<double>().Should().Be(2000);
        reply.Cost["throttleStatus"]!["restoreRate"]!.GetValue<double>().Should().Be(100);
        // 2000 − 13 plus what refilled (100/s, real clock) between the take and the answer, up to the bucket's size.
        reply.Cost["throttleStatus"]!["currentlyAvailable"]!.GetValue<double>().Should().BeInRange(1980, 2000);

        var level = _sim.Level("SKU-1", LocationId);
        (level.Available, level.OnHand, level.Committed).Should().Be((5, 5, 0));
    }

    [Fact]
    public async Task Setting_on_hand_moves_available_by_the_same_delta_and_leaves_committed()
    {
        _sim.PlaceOrder(new ShopifySimOrderRequest("a@example.com", [new("SKU-1", 2)], Location));
        (_sim.Level("SKU-1", LocationId) is { Available: -2, Committed: 2, OnHand: 0 }).Should().BeTrue();

        // Source: graphql-2026-04-inventorySetQuantities-name-validation (onHand): on_hand 0 -> 4 gives available +4 and on_hand +4.
        var reply = await SetAsync(SetInput("on_hand", (Item1, Location, 4, 0)));

        var changes = Payload(reply)!["inventoryAdjustmentGroup"]!["changes"]!.AsArray();
        changes.Select(c => (c!["name"]!.GetValue<string>(), c["delta"]!.GetValue<int>())).Should().Equal(("available", 4), ("on_hand", 4));
        var level = _sim.Level("SKU-1", LocationId);
        (level.Available, level.OnHand, level.Committed).Should().Be((2, 4, 2));
    }

    [Fact]
    public async Task A_mutation_without_the_idempotent_directive_is_a_bad_request_with_null_data()
    {
        var reply = await _http.GraphQlAsync(SetMutationWithoutDirective,
            new JsonObject { ["input"] = SetInput("available", (Item1, Location, 5, 0)) }, ct: Ct);

        // Source: graphql-2026-04-inventory-quantity-contracts (missingSetIdempotency).
        var expected = """
            [{"message":"The @idempotent directive is required for this mutation but was not provided.",
              "locations":[{"line":3,"column":5}],"extensions":{"code":"BAD_REQUEST"},"path":["inventorySetQuantities"]}]
            """;
        reply.Status.Should().Be(HttpStatusCode.OK);
        JsonNode.DeepEquals(reply.Body["errors"], JsonNode.Parse(expected)).Should().BeTrue(reply.Body.ToJsonString());
        reply.Body.ContainsKey("data").Should().BeTrue();
        JsonNode.DeepEquals(reply.Data, JsonNode.Parse("""{"inventorySetQuantities":null}""")).Should().BeTrue();
        reply.Cost["actualQueryCost"]!.GetValue<int>().Should().Be(10);
        _sim.Level("SKU-1", LocationId).Available.Should().Be(0);
    }

    [Fact]
    public async Task An_entry_without_changeFromQuantity_is_invalid_field_arguments_located_at_the_field_and_the_variable()
    {
        var input = SetInput("available", (Item1, Location, 5, 0));
        ((JsonObject)input["quantities"]![0]!).Remove("changeFromQuantity");

        var reply = await SetAsync(input);

        // Source: graphql-2026-04-inventory-quantity-contracts (missingSetChangeFromQuantity).
        var expected = """
            [{"message":"InventoryQuantityInput must include the following argument: changeFromQuantity.",
              "locations":[{"line":3,"column":5},{"line":2,"column":41}],"extensions":{"code":"INVALID_FIELD_ARGUMENTS"},
              "path":["inventorySetQuantities"]}]
            """;
        JsonNode.DeepEquals(reply.Body["errors"], JsonNode.Parse(expected)).Should().BeTrue(reply.Body.ToJsonString());
        JsonNode.DeepEquals(reply.Data, JsonNode.Parse("""{"inventorySetQuantities":null}""")).Should().BeTrue();
        _sim.Level("SKU-1", LocationId).Available.Should().Be(0);
    }

    [Fact]
    public async Task An_adjust_change_without_changeFromQuantity_names_InventoryChangeInput()
    {
        var reply = await _http.GraphQlAsync(AdjustMutation, new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["name"] = "available",
                ["reason"] = "correction",
                ["changes"] = new JsonArray(new JsonObject { ["inventoryItemId"] = Item1, ["locationId"] = Location, ["delta"] = 1 }),
            },
            ["idempotencyKey"] = NewKey(),
        }, ct: Ct);

        // Source: graphql-2026-04-inventory-quantity-contracts (missingAdjustChangeFromQuantity).
        reply.Body["errors"]![0]!["message"]!.GetValue<string>().Should().Be(MissingAdjustChangeFromMessage);
        reply.Body["errors"]![0]!["extensions"]!["code"]!.GetValue<string>().Should().Be("INVALID_FIELD_ARGUMENTS");
        JsonNode.DeepEquals(reply.Data, JsonNode.Parse("""{"inventoryAdjustQuantities":null}""")).Should().BeTrue();
    }

    [Fact]
    public async Task The_legacy_ignoreCompareQuantity_field_is_an_invalid_variable_without_data()
    {
        var input = new JsonObject
        {
            ["name"] = "available",
            ["reason"] = "correction",
            ["ignoreCompareQuantity"] = true,
            ["quantities"] = new JsonArray(new JsonObject { ["inventoryItemId"] = Item1, ["locationId"] = Location, ["quantity"] = 5 }),
        };

        var reply = await SetAsync(input);

        // Source: graphql-2026-04-inventory-quantity-contracts (legacySetShape): errors only, no data key, no extensions.
        var expected = $$$"""
            {"errors":[{"message":"{{{LegacyShapeMessage}}}","locations":[{"line":2,"column":41}],
              "extensions":{"code":"INVALID_VARIABLE","value":{{{input.ToJsonString()}}},
                "problems":[{"path":["ignoreCompareQuantity"],"explanation":"Field is not defined on InventorySetQuantitiesInput"}]}}]}
            """;
        reply.Status.Should().Be(HttpStatusCode.OK);
        JsonNode.DeepEquals(reply.Body, JsonNode.Parse(expected)).Should().BeTrue(reply.Body.ToJsonString());
    }

    [Fact]
    public async Task Unknown_items_and_locations_are_user_errors_at_the_entry()
    {
        // Source: graphql-2026-04-inventory-quantity-contracts (unknownIdValidation.setUnknownInventoryItem, setUnknownLocation).
        var unknownItem = await SetAsync(SetInput("available", ("gid://shopify/InventoryItem/999999999999", Location, 3, 0)));
        ShouldHaveUserErrors(unknownItem,
            $$"""[{"field":["input","quantities","0","inventoryItemId"],"message":"{{UnknownItemMessage}}","code":"INVALID_INVENTORY_ITEM"}]""");

        var unknownLocation = await SetAsync(SetInput("available", (Item1, "gid://shopify/Location/999999999999", 3, 0)));
        ShouldHaveUserErrors(unknownLocation,
            $$"""[{"field":["input","quantities","0","locationId"],"message":"{{UnknownLocationMessage}}","code":"INVALID_LOCATION"}]""");
        unknownLocation.Cost["requestedQueryCost"]!.GetValue<int>().Should().Be(13);
        unknownLocation.Cost["actualQueryCost"]!.GetValue<int>().Should().Be(10);
    }

    [Theory]
    // Source: graphql-2026-04-inventorySetQuantities-name-validation (availableTooHigh) and -quantity-bounds (availableTooLow, onHandNegative).
    [InlineData("available", 1_000_000_001L, "INVALID_QUANTITY_TOO_HIGH", TooHighMessage)]
    [InlineData("available", -2_000_000_000L, "INVALID_QUANTITY_TOO_LOW", TooLowMessage)]
    [InlineData("on_hand", -5L, "INVALID_QUANTITY_NEGATIVE", NegativeMessage)]
    public async Task Out_of_bounds_quantities_are_rejected_at_the_quantity(string name, long quantity, string code, string message)
    {
        var reply = await SetAsync(SetInput(name, (Item1, Location, quantity, 0)));

        ShouldHaveUserErrors(reply, $$"""[{"field":["input","quantities","0","quantity"],"message":"{{message}}","code":"{{code}}"}]""");
        _sim.Level("SKU-1", LocationId).Available.Should().Be(0);
    }

    [Fact]
    public async Task A_negative_available_within_bounds_is_accepted()
    {
        // Source: graphql-2026-04-inventorySetQuantities-quantity-bounds (availableNegativeWithinBounds).
        var reply = await SetAsync(SetInput("available", (Item1, Location, -5, 0)));

        Payload(reply)!["inventoryAdjustmentGroup"]!["changes"]!.AsArray().Select(c => c!["delta"]!.GetValue<int>()).Should().Equal(-5, -5);
        (_sim.Level("SKU-1", LocationId) is { Available: -5, OnHand: -5 }).Should().BeTrue();
    }

    [Theory]
    // Source: graphql-2026-04-inventorySetQuantities-name-validation (damaged, committed).
    [InlineData("damaged")]
    [InlineData("committed")]
    public async Task Names_other_than_available_and_on_hand_are_invalid_for_set(string name)
    {
        var reply = await SetAsync(SetInput(name, (Item1, Location, 5, 0)));

        ShouldHaveUserErrors(reply, $$"""[{"field":["input","name"],"message":"{{InvalidSetNameMessage}}","code":"INVALID_NAME"}]""");
    }

    [Theory]
    // Source: graphql-2026-04-inventory-reason-validation (invalidReasonCases.unknownReasonSet, emptyReasonSet).
    [InlineData("completely_made_up")]
    [InlineData("")]
    public async Task An_invalid_reason_lists_the_seventeen_valid_ones(string reason)
    {
        var input = SetInput("available", (Item1, Location, 1, 0));
        input["reason"] = reason;

        var reply = await SetAsync(input);

        ShouldHaveUserErrors(reply, $$"""[{"field":["input","reason"],"message":"{{InvalidReasonMessage}}","code":"INVALID_REASON"}]""");
    }

    [Fact]
    public async Task Every_captured_reason_is_accepted_and_setting_the_current_value_is_a_no_op_with_a_null_group()
    {
        // Source: graphql-2026-04-inventory-reason-validation (acceptedReasonCases: quantity 1, changeFromQuantity 1 -> null group, no errors).
        await SetAsync(SetInput("available", (Item1, Location, 1, 0)));
        foreach (var reason in Reasons)
        {
            var input = SetInput("available", (Item1, Location, 1, 1));
            input["reason"] = reason;

            var reply = await SetAsync(input);

            JsonNode.DeepEquals(Payload(reply), JsonNode.Parse("""{"inventoryAdjustmentGroup":null,"userErrors":[]}""")).Should().BeTrue(reason);
            reply.Cost["actualQueryCost"]!.GetValue<int>().Should().Be(10);
        }
    }

    [Fact]
    public async Task A_duplicate_item_and_location_pair_gets_one_error_per_offending_entry()
    {
        // Source: graphql-2026-04-inventorySetQuantities-name-validation (duplicatePair).
        var reply = await SetAsync(SetInput("available", (Item1, Location, 1, 0), (Item1, Location, 2, 0)));

        ShouldHaveUserErrors(reply, $$"""
            [{"field":["input","quantities","0","locationId"],"message":"{{DuplicatePairMessage}}","code":"NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"},
             {"field":["input","quantities","1","locationId"],"message":"{{DuplicatePairMessage}}","code":"NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"}]
            """);
    }

    [Fact]
    public async Task A_stale_changeFromQuantity_rejects_the_whole_call_and_names_the_stale_entry()
    {
        await SetAsync(SetInput("on_hand", (Item1, Location, 10, 0), (Item2, Location, 20, 0)));
        _sim.InjectFaults(new ShopifySimFaults { ConcurrentAdjust = new ConcurrentAdjustFault("SKU-2", Location, "available", -3) });

        var reply = await SetAsync(SetInput("on_hand", (Item1, Location, 8, 10), (Item2, Location, 15, 20)));

        ShouldHaveUserErrors(reply, $$"""
            [{"field":["input","quantities","1","changeFromQuantity"],"message":"{{StaleMessage}}","code":"CHANGE_FROM_QUANTITY_STALE"}]
            """);
        _sim.Level("SKU-1", LocationId).OnHand.Should().Be(10, "all or nothing: the fresh entry is not applied either");
        _sim.Level("SKU-2", LocationId).OnHand.Should().Be(17);

        var skipCheck = await SetAsync(SetInput("on_hand", (Item1, Location, 8, 10), (Item2, Location, 15, null)));
        Payload(skipCheck)!["userErrors"]!.AsArray().Should().BeEmpty("a null changeFromQuantity skips the check");
        (_sim.Level("SKU-1", LocationId).OnHand, _sim.Level("SKU-2", LocationId).OnHand).Should().Be((8, 15));
    }

    [Fact]
    public async Task A_mixed_batch_omits_unchanged_entries_from_changes()
    {
        // Source: graphql-2026-04-inventoryAdjustQuantities-zero-delta-noop (mixedZeroAndNonzero), here for set.
        await SetAsync(SetInput("available", (Item1, Location, 4, 0)));

        var reply = await SetAsync(SetInput("available", (Item1, Location, 4, 4), (Item2, Location, 3, 0)));

        var changes = Payload(reply)!["inventoryAdjustmentGroup"]!["changes"]!.AsArray();
        changes.Select(c => c!["item"]!["id"]!.GetValue<string>()).Should().Equal(Item2, Item2);
    }

    [Fact]
    public async Task Adjust_applies_deltas_skips_zero_deltas_and_enforces_its_name_allowlist()
    {
        JsonObject Adjust(string name, params (string Item, long Delta, long? ChangeFrom, string? Ledger)[] changes) => new()
        {
            ["input"] = new JsonObject
            {
                ["name"] = name,
                ["reason"] = "correction",
                ["referenceDocumentUri"] = "logistics://cdcbridge/adjust/1",
                ["changes"] = new JsonArray(changes.Select(c => (JsonNode)new JsonObject
                {
                    ["inventoryItemId"] = c.Item,
                    ["locationId"] = Location,
                    ["delta"] = c.Delta,
                    ["changeFromQuantity"] = c.ChangeFrom,
                    ["ledgerDocumentUri"] = c.Ledger,
                }).ToArray()),
            },
            ["idempotencyKey"] = NewKey(),
        };

        // Source: graphql-2026-04-inventoryAdjustQuantities-zero-delta-noop (allZero, mixedZeroAndNonzero).
        var allZero = await _http.GraphQlAsync(AdjustMutation, Adjust("available", (Item1, 0, 0, null)), ct: Ct);
        JsonNode.DeepEquals(Payload(allZero, "inventoryAdjustQuantities"), JsonNode.Parse("""{"inventoryAdjustmentGroup":null,"userErrors":[]}""")).Should().BeTrue();

        var mixed = await _http.GraphQlAsync(AdjustMutation, Adjust("available", (Item1, 0, 0, null), (Item2, 3, 0, null)), ct: Ct);
        var expected = $$$"""
            [{"name":"available","delta":3,"quantityAfterChange":null,"ledgerDocumentUri":null,"item":{"id":"{{{Item2}}}"},"location":{"id":"{{{Location}}}"}},
             {"name":"on_hand","delta":3,"quantityAfterChange":null,"ledgerDocumentUri":null,"item":{"id":"{{{Item2}}}"},"location":{"id":"{{{Location}}}"}}]
            """;
        var changes = Payload(mixed, "inventoryAdjustQuantities")!["inventoryAdjustmentGroup"]!["changes"];
        JsonNode.DeepEquals(changes, JsonNode.Parse(expected)).Should().BeTrue(changes!.ToJsonString());

        // Source: graphql-2026-04-inventory-adjust-name-allowlist (adjustOnHand, adjustCommitted).
        foreach (var name in new[] { "on_hand", "committed" })
        {
            var rejected = await _http.GraphQlAsync(AdjustMutation, Adjust(name, (Item1, 1, 0, "ledger://cdcbridge/1")), ct: Ct);
            var error = Payload(rejected, "inventoryAdjustQuantities")!["userErrors"]![0]!;
            JsonNode.DeepEquals(error["field"], JsonNode.Parse("""["input","name"]""")).Should().BeTrue();
            error["message"]!.GetValue<string>().Should().Be(InvalidAdjustNameMessage);
        }

        var damaged = await _http.GraphQlAsync(AdjustMutation, Adjust("damaged", (Item1, 2, 0, "ledger://cdcbridge/damage/1")), ct: Ct);
        Payload(damaged, "inventoryAdjustQuantities")!["inventoryAdjustmentGroup"]!["changes"]!.AsArray()
            .Select(c => (c!["name"]!.GetValue<string>(), c["delta"]!.GetValue<int>(), c["ledgerDocumentUri"]?.GetValue<string>()))
            .Should().Equal(("damaged", 2, "ledger://cdcbridge/damage/1"), ("on_hand", 2, null));
        (_sim.Level("SKU-1", LocationId) is { Available: 0, Damaged: 2, OnHand: 2 }).Should().BeTrue();

        var noLedger = await _http.GraphQlAsync(AdjustMutation, Adjust("damaged", (Item1, 1, 2, null)), ct: Ct);
        Payload(noLedger, "inventoryAdjustQuantities")!["userErrors"]![0]!["code"]!.GetValue<string>().Should().Be("INVALID_QUANTITY_DOCUMENT");
    }

    [Fact]
    public async Task The_same_key_and_variables_replay_the_original_group_and_apply_once()
    {
        var input = SetInput("available", (Item1, Location, 5, 0));

        var first = await SetAsync(input, "replay-key");
        var again = await SetAsync(input, "replay-key");

        var firstGroup = Payload(first)!["inventoryAdjustmentGroup"]!;
        JsonNode.DeepEquals(Payload(again), Payload(first)).Should().BeTrue("the original response again, same group id and changes");
        firstGroup["id"].Should().NotBeNull();
        _sim.Level("SKU-1", LocationId).Available.Should().Be(5);
        _sim.Requests().Select(r => r.Outcome).Should().Equal("applied", "replayed");
        _sim.Requests().Select(r => r.IdempotencyKey).Should().Equal("replay-key", "replay-key");
    }

    [Fact]
    public async Task The_same_key_with_other_parameters_is_a_key_mismatch_user_error()
    {
        await SetAsync(SetInput("available", (Item1, Location, 5, 0)), "mismatch-key");

        var reply = await SetAsync(SetInput("available", (Item1, Location, 6, 5)), "mismatch-key");

        ShouldHaveUserErrors(reply, $$"""[{"field":null,"message":"{{KeyMismatchMessage}}","code":"IDEMPOTENCY_KEY_PARAMETER_MISMATCH"}]""");
        _sim.Level("SKU-1", LocationId).Available.Should().Be(5);
    }

    [Fact]
    public async Task A_query_for_an_unknown_field_gets_an_undefinedField_error_and_no_data()
    {
        var reply = await _http.GraphQlAsync("query Probe {\n  shop { name }\n  bogus { id }\n}", ct: Ct);

        var expected = """
            [{"message":"Field 'bogus' doesn't exist on type 'QueryRoot'","locations":[{"line":3,"column":3}],"path":["query Probe","bogus"],
              "extensions":{"code":"undefinedField","typeName":"QueryRoot","fieldName":"bogus"}}]
            """;
        JsonNode.DeepEquals(reply.Body["errors"], JsonNode.Parse(expected)).Should().BeTrue(reply.Body.ToJsonString());
        reply.Body.ContainsKey("data").Should().BeFalse();
        reply.Body["extensions"]!["cost"].Should().NotBeNull();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("shpat_wrong")]
    public async Task A_missing_or_wrong_token_is_401_with_shopifys_body(string? token)
    {
        var body = new JsonObject { ["query"] = "{ shop { name } }" }.ToJsonString();

        var reply = await _http.PostAsync("/admin/api/2026-04/graphql.json", body, token, Ct);

        reply.Status.Should().Be(HttpStatusCode.Unauthorized);
        JsonNode.DeepEquals(reply.Body, JsonNode.Parse(InvalidTokenBody)).Should().BeTrue();
        _sim.Requests().Should().BeEmpty();
    }

    [Fact]
    public async Task Reads_return_levels_with_quantities_by_name_and_older_versions_get_the_same_semantics()
    {
        await SetAsync(SetInput("available", (Item1, Location, 7, 0)));
        const string Query = """
            query Levels($id: ID!, $loc: ID!) {
              inventoryItem(id: $id) {
                id sku tracked
                inventoryLevel(locationId: $loc) { id quantities(names: ["available", "on_hand", "committed"]) { name quantity } }
                inventoryLevels(first: 5) { nodes { location { name } quantities(names: ["available"]) { name quantity } } }
              }
            }
            """;

        var reply = await _http.GraphQlAsync(Query, new JsonObject { ["id"] = Item1, ["loc"] = Location }, version: "2025-10", ct: Ct);

        reply.Message.Headers.GetValues("X-Shopify-API-Version").Should().Equal("2025-10");
        var expected = $$$"""
            {"inventoryItem":{"id":"{{{Item1}}}","sku":"SKU-1","tracked":true,
              "inventoryLevel":{"id":"gid://shopify/InventoryLevel/{{{LocationId}}}?inventory_item_id={{{ShopifyCatalog.InventoryItemIdBase + 1}}}",
                "quantities":[{"name":"available","quantity":7},{"name":"on_hand","quantity":7},{"name":"committed","quantity":0}]},
              "inventoryLevels":{"nodes":[{"location":{"name":"Shop location"},"quantities":[{"name":"available","quantity":7}]},
                                          {"location":{"name":"Back room"},"quantities":[{"name":"available","quantity":0}]}]} } }
            """;
        JsonNode.DeepEquals(reply.Data, JsonNode.Parse(expected)).Should().BeTrue(reply.Data!.ToJsonString());
        // 1 item + 1 level + connection (2 + 5 × (level + location)) = 14 requested; 2 levels came back: 1 + 1 + 2 + 2 × 2 = 8.
        reply.Cost["requestedQueryCost"]!.GetValue<int>().Should().Be(14);
        reply.Cost["actualQueryCost"]!.GetValue<int>().Should().Be(8);
    }

    [Fact]
    public async Task The_executable_subset_takes_aliases_literals_inline_fragments_defaults_and_literal_mutations()
    {
        const string Mutation = """
            mutation {
              set: inventorySetQuantities(input: {name: "available", reason: "correction", referenceDocumentUri: "x://y/1",
                  quantities: [{inventoryItemId: "gid://shopify/InventoryItem/53469430000002", locationId: "gid://shopify/Location/106318430001",
                                quantity: 3, changeFromQuantity: null}]}) @idempotent(key: "literal-key") {
                g: inventoryAdjustmentGroup { __typename changes { n: name d: delta } }
              }
            }
            """;
        var set = await _http.GraphQlAsync(Mutation, ct: Ct);
        JsonNode.DeepEquals(set.Data, JsonNode.Parse("""
            {"set":{"g":{"__typename":"InventoryAdjustmentGroup","changes":[{"n":"available","d":3},{"n":"on_hand","d":3}]}}}
            """)).Should().BeTrue(set.Body.ToJsonString());

        const string Query = """
            # a comment
            query Variants($q: String = "sku:SKU-2", $names: [String!]! = ["available"]) {
              productVariants(first: 10, query: $q) {
                edges { cursor node { ... on ProductVariant { sku displayName }
                  inventoryItem { inventoryLevel(locationId: "gid://shopify/Location/106318430001") { quantities(names: $names) { name quantity } } } } }
              }
              first: location(id: "gid://shopify/Location/106318430001") { name }
              none: location(id: "gid://shopify/Location/1") { name }
            }
            """;
        var read = await _http.GraphQlAsync(Query, ct: Ct);
        var node = read.Data!["productVariants"]!["edges"]![0]!["node"]!;
        node["sku"]!.GetValue<string>().Should().Be("SKU-2");
        node["displayName"]!.GetValue<string>().Should().Be("Product SKU-2 - Default Title");
        node["inventoryItem"]!["inventoryLevel"]!["quantities"]![0]!["quantity"]!.GetValue<int>().Should().Be(3);
        read.Data!["first"]!["name"]!.GetValue<string>().Should().Be(ShopLocation);
        read.Data!["none"].Should().BeNull();

        var broken = await _http.GraphQlAsync("query { shop { name }", ct: Ct);
        broken.Body["errors"]![0]!["message"]!.GetValue<string>().Should().Contain("Unexpected end of document");
        broken.Body.ContainsKey("data").Should().BeFalse();
    }

    [Fact]
    public async Task A_query_over_the_single_query_limit_is_refused_with_max_cost_exceeded()
    {
        const string Query = "{ productVariants(first: 250) { nodes { id inventoryItem { id inventoryLevels(first: 10) { nodes { id } } } } } }";

        var reply = await _http.GraphQlAsync(Query, ct: Ct);

        reply.Body["errors"]![0]!["extensions"]!["code"]!.GetValue<string>().Should().Be("MAX_COST_EXCEEDED");
        reply.Cost["requestedQueryCost"]!.GetValue<int>().Should().BeGreaterThan(1000);
        reply.Body.ContainsKey("data").Should().BeFalse();
    }
}
