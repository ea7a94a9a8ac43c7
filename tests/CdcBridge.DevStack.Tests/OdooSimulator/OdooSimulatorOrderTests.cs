using System.Text.Json.Nodes;
using CdcBridge.DevStack.Tests.Odoo;

namespace CdcBridge.DevStack.Tests.OdooSimulator;

/// <summary>Sale orders written as Odoo writes them: external ids through load(), two-step delivery, cancellation rules.</summary>
public sealed class OdooSimulatorOrderTests(InfrastructureFixture fixture)
{
    private static readonly JsonArray LoadFields = ["id", "partner_id/.id", "client_order_ref", "origin", "order_line/id", "order_line/product_id/id", "order_line/product_id/.id",
        "order_line/product_uom_qty", "order_line/price_unit"];

    [Fact]
    public async Task Load_twice_with_the_same_external_id_updates_the_one_order_and_its_lines()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, ct);
        var productId = await scope.ScalarAsync<int>("SELECT id FROM product_product WHERE default_code IS NOT NULL ORDER BY id LIMIT 1", ct);
        var product = productId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        JsonArray Rows(string reference, string quantity) =>
        [
            new JsonArray("__cdcbridge__.shopify_order_1001", "10", reference, "Shopify #1001", "__cdcbridge__.shopify_line_1", "", product, quantity, "9.50"),
            new JsonArray("", "", "", "", "__cdcbridge__.shopify_line_2", "", product, "1", "4"),
        ];

        var first = await scope.ResultAsync("sale.order", "load", [LoadFields.DeepClone(), Rows("#1001", "2")], ct: ct);
        first!["messages"]!.AsArray().Should().BeEmpty(first.ToJsonString());
        var orderId = first["ids"]![0]!.GetValue<int>();
        var second = await scope.ResultAsync("sale.order", "load", [LoadFields.DeepClone(), Rows("#1001-edited", "3")], ct: ct);
        second!["ids"]![0]!.GetValue<int>().Should().Be(orderId, "the external id names the order the first load created");

        (await scope.ScalarAsync<long>("SELECT count(*) FROM sale_order WHERE origin = 'Shopify #1001'", ct)).Should().Be(1);
        (await scope.ScalarAsync<string>("SELECT client_order_ref FROM sale_order WHERE id = $1", ct, orderId)).Should().Be("#1001-edited");
        (await scope.ScalarAsync<long>("SELECT count(*) FROM sale_order_line WHERE order_id = $1", ct, orderId)).Should().Be(2, "lines with external ids are updated, not added");
        (await scope.ScalarAsync<decimal>("SELECT amount_total FROM sale_order WHERE id = $1", ct, orderId)).Should().Be(3 * 9.5m + 4);
        (await scope.RowsAsync("SELECT model, res_id FROM ir_model_data WHERE module = '__cdcbridge__' AND name = 'shopify_order_1001'", ct))
            .Should().ContainSingle().Which.Should().Equal("sale.order", orderId);
        (await scope.ResultAsync("ir.model.data", "check_object_reference", ["__cdcbridge__", "shopify_order_1001"], ct: ct))!.ToJsonString()
            .Should().Be($"[\"sale.order\",{orderId}]");

        var bad = await scope.ResultAsync("sale.order", "load",
            [LoadFields.DeepClone(), new JsonArray(new JsonArray("__cdcbridge__.shopify_order_1002", "10", "#1002", "", "", "__nope__.missing", "", "1", "1"))], ct: ct);
        bad!["ids"]!.GetValue<bool>().Should().BeFalse();
        bad["messages"]![0]!["type"]!.GetValue<string>().Should().Be("error");
        bad["messages"]![0]!["message"]!.GetValue<string>().Should().Contain("__nope__.missing");
        (await scope.ScalarAsync<long>("SELECT count(*) FROM sale_order WHERE client_order_ref = '#1002'", ct)).Should().Be(0);
    }

    [Fact]
    public async Task Concurrent_loads_of_one_new_external_id_make_one_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, ct);
        var product = (await scope.ScalarAsync<int>("SELECT id FROM product_product WHERE default_code IS NOT NULL ORDER BY id LIMIT 1", ct))
            .ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Like a writer that retries a load until Odoo answers ids (a lost race answers ids=false with the serialization message).
        async Task<int> LoadUntilDoneAsync()
        {
            while (true)
            {
                var result = await scope.ResultAsync("sale.order", "load",
                    [LoadFields.DeepClone(), new JsonArray(new JsonArray("__cdcbridge__.race_1", "10", "#race", "race", "", "", product, "1", "1"))], ct: ct);
                if (result!["ids"] is JsonArray ids)
                {
                    return ids[0]!.GetValue<int>();
                }

                result["messages"]![0]!["message"]!.GetValue<string>().Should().Contain("could not serialize access");
            }
        }

        var ids = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(LoadUntilDoneAsync, ct)));
        ids.Distinct().Should().ContainSingle();
        (await scope.ScalarAsync<long>("SELECT count(*) FROM sale_order WHERE origin = 'race'", ct)).Should().Be(1);
    }

    [Fact]
    public async Task A_pick_ship_warehouse_reserves_the_pick_and_leaves_the_delivery_waiting_and_cancel_needs_the_context()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, ct);
        const int Flagship = 1;
        var sku = await scope.SkuAsync(Flagship, 3, ct);
        var productId = await scope.ScalarAsync<int>("SELECT id FROM product_product WHERE default_code = $1", ct, sku);
        var orderId = (await scope.ResultAsync("sale.order", "create", [new JsonObject
        {
            ["partner_id"] = 10, ["warehouse_id"] = Flagship, ["client_order_ref"] = "#2002",
            ["order_line"] = new JsonArray(new JsonArray(0, 0, new JsonObject { ["product_id"] = productId, ["product_uom_qty"] = 3 })),
        }], ct: ct))!.GetValue<int>();

        (await scope.ResultAsync("sale.order", "action_confirm", [new JsonArray(orderId)], ct: ct))!.GetValue<bool>().Should().BeTrue();
        var pickings = await scope.RowsAsync(
            "SELECT p.name, p.state, (SELECT string_agg(m.state || '/' || m.procure_method, ',') FROM stock_move m WHERE m.picking_id = p.id) FROM stock_picking p WHERE p.sale_id = $1 ORDER BY p.id",
            ct, orderId);
        pickings.Select(p => ((string)p[0]!)[..7]).Should().Equal("WH/PICK", "WH/OUT/");
        pickings[0][1..].Should().Equal("assigned", "assigned/make_to_stock");
        pickings[1][1..].Should().Equal("waiting", "waiting/make_to_order");
        (await scope.ScalarAsync<long>(OdooInvariants.ReservationMismatches, ct)).Should().Be(0);

        var wizard = await scope.ResultAsync("sale.order", "action_cancel", [new JsonArray(orderId)], ct: ct);
        wizard!["res_model"]!.GetValue<string>().Should().Be("sale.order.cancel");
        (await scope.ScalarAsync<string>("SELECT state FROM sale_order WHERE id = $1", ct, orderId)).Should().Be("sale", "the wizard is an answer, not a cancellation");

        (await scope.ResultAsync("sale.order", "action_cancel", [new JsonArray(orderId)],
            new JsonObject { ["context"] = new JsonObject { ["disable_cancel_warning"] = true } }, ct))!.GetValue<bool>().Should().BeTrue();
        (await scope.RowsAsync("SELECT DISTINCT state FROM stock_picking WHERE sale_id = $1", ct, orderId)).Should().ContainSingle().Which.Should().Equal("cancel");
        (await scope.ScalarAsync<long>(OdooInvariants.ReservationMismatches, ct)).Should().Be(0);
    }
}
