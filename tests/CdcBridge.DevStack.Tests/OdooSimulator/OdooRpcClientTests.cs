using System.Diagnostics;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Tests.Odoo;

namespace CdcBridge.DevStack.Tests.OdooSimulator;

/// <summary>
/// A real Odoo client against the simulator: Debian's <c>python3-odoorpc</c> 0.9.0 (version detection through
/// <c>/web/webclient/version_info</c>, login through <c>/web/session/authenticate</c>, calls through <c>/jsonrpc</c>
/// execute_kw). The odoo database is then checked in SQL for what Odoo itself would have written.
/// </summary>
public sealed class OdooRpcClientTests(InfrastructureFixture fixture)
{
    private const string Script = """
        import json, sys
        import odoorpc
        from odoorpc.error import RPCError

        port, db, login, password, stage = sys.argv[1:6]
        odoo = odoorpc.ODOO("127.0.0.1", port=int(port), timeout=60)
        out = {"version": odoo.version}
        odoo.login(db, login, password)
        out["uid"] = odoo.env.uid

        def error_name(call):
            try:
                call()
            except RPCError as e:
                return e.info["data"]["name"]
            return None

        if stage == "order":
            sku_reserved, sku_missing, warehouse = sys.argv[6], sys.argv[7], int(sys.argv[8])
            products = odoo.execute_kw("product.product", "search_read", [[["default_code", "in", [sku_reserved, sku_missing]]]],
                                       {"fields": ["id", "default_code", "display_name", "uom_id", "lst_price"]})
            out["products"] = products
            by_sku = {p["default_code"]: p for p in products}
            partner = odoo.execute_kw("res.partner", "create", [{
                "name": "Ada Example", "email": "Ada.Example@Example.com", "customer_rank": 1,
                "child_ids": [[0, 0, {"type": "delivery", "street": "1 Dock Road", "city": "Portland", "zip": "97201"}]]}])
            out["partner"] = odoo.execute_kw("res.partner", "read", [[partner]], {"fields": ["name", "email_normalized", "child_ids", "complete_name"]})[0]
            out["delivery"] = odoo.execute_kw("res.partner", "read", [out["partner"]["child_ids"]],
                                              {"fields": ["complete_name", "type", "parent_id", "commercial_partner_id"]})[0]
            out["found"] = odoo.execute_kw("res.partner", "search_read", [[["email", "=ilike", "ada.example@example.com"]]], {"fields": ["id"], "limit": 1})
            out["nameSearch"] = odoo.execute_kw("res.partner", "name_search", ["ada.example@"], {"limit": 5})
            order = odoo.execute_kw("sale.order", "create", [{
                "partner_id": partner, "client_order_ref": "#1001", "origin": "Shopify #1001", "warehouse_id": warehouse,
                "order_line": [[0, 0, {"product_id": by_sku[sku_reserved]["id"], "product_uom_qty": 2, "price_unit": 9.5}],
                               [0, 0, {"product_id": by_sku[sku_missing]["id"], "product_uom_qty": 1, "price_unit": 20, "discount": 10}]]}])
            out["order"] = order
            out["draft"] = odoo.execute_kw("sale.order", "read", [[order]],
                                           {"fields": ["name", "state", "amount_total", "partner_shipping_id", "order_line", "client_order_ref"]})[0]
            out["confirm"] = odoo.execute_kw("sale.order", "action_confirm", [[order]])
            out["confirmed"] = odoo.execute_kw("sale.order", "read", [[order]], {"fields": ["state", "picking_ids", "delivery_count"]})[0]
            out["lines"] = odoo.execute_kw("sale.order.line", "search_read", [[["order_id", "=", order]]],
                                           {"fields": ["product_id", "product_uom_qty", "price_subtotal", "state", "move_ids"], "order": "id"})
            out["confirmAgain"] = error_name(lambda: odoo.execute_kw("sale.order", "action_confirm", [[order]]))
            out["wizard"] = odoo.execute_kw("sale.order", "action_cancel", [[order]])
        else:
            order = int(sys.argv[6])
            out["cancel"] = odoo.execute_kw("sale.order", "action_cancel", [[order]], {"context": {"disable_cancel_warning": True}})
            out["cancelled"] = odoo.execute_kw("sale.order", "read", [[order]], {"fields": ["state"]})[0]
        print(json.dumps(out))
        """;

    [Fact]
    public async Task Odoorpc_logs_in_creates_a_partner_and_a_sale_order_confirms_it_with_reservations_and_cancels_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, ct);
        const int Warehouse = 2; // one-step delivery
        var reservedSku = await scope.SkuAsync(Warehouse, 2, ct);
        var missingSku = await scope.SkuAsync(Warehouse, 0, ct);
        var reservedBefore = await scope.ScalarAsync<decimal>("SELECT sum(reserved_quantity) FROM stock_quant", ct);
        var port = new Uri(scope.Simulator.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = JsonNode.Parse(await RunAsync(ct, port, scope.Simulator.Database, scope.Simulator.Login, scope.Simulator.Password, "order",
            reservedSku, missingSku, Warehouse.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;

        result["version"]!.GetValue<string>().Should().Be("17.0");
        result["uid"]!.GetValue<int>().Should().Be(scope.Simulator.Uid);
        result["products"]!.AsArray().Select(p => p!["default_code"]!.GetValue<string>()).Should().BeEquivalentTo([reservedSku, missingSku]);
        result["products"]![0]!["uom_id"]!.AsArray()[1]!.GetValue<string>().Should().Be("Units");
        var partner = result["partner"]!;
        partner["email_normalized"]!.GetValue<string>().Should().Be("ada.example@example.com");
        result["delivery"]!["complete_name"]!.GetValue<string>().Should().Be("Ada Example, Delivery Address");
        result["delivery"]!["parent_id"]!.AsArray()[0]!.GetValue<int>().Should().Be(partner["id"]!.GetValue<int>());
        result["delivery"]!["commercial_partner_id"]!.AsArray()[0]!.GetValue<int>().Should().Be(partner["id"]!.GetValue<int>());
        result["found"]![0]!["id"]!.GetValue<int>().Should().Be(partner["id"]!.GetValue<int>());
        result["nameSearch"]!.AsArray().Select(p => p![0]!.GetValue<int>()).Should().Contain(partner["id"]!.GetValue<int>());

        var draft = result["draft"]!;
        var orderName = draft["name"]!.GetValue<string>();
        orderName.Should().MatchRegex(@"^S\d{5}$");
        draft["state"]!.GetValue<string>().Should().Be("draft");
        draft["amount_total"]!.GetValue<double>().Should().Be(2 * 9.5 + 18);
        draft["partner_shipping_id"]!.AsArray()[0]!.GetValue<int>().Should().Be(result["delivery"]!["id"]!.GetValue<int>(), "the delivery address is the default shipping address");
        result["confirm"]!.GetValue<bool>().Should().BeTrue();
        result["confirmed"]!["state"]!.GetValue<string>().Should().Be("sale");
        result["confirmed"]!["delivery_count"]!.GetValue<int>().Should().Be(1);
        result["lines"]!.AsArray().Should().HaveCount(2);
        result["lines"]![0]!["move_ids"]!.AsArray().Should().HaveCount(1);
        result["confirmAgain"]!.GetValue<string>().Should().Be("odoo.exceptions.UserError");
        result["wizard"]!["res_model"]!.GetValue<string>().Should().Be("sale.order.cancel", "a confirmed order is not cancelled without disable_cancel_warning");

        // What Odoo would have written: procurement group, one delivery picking, a move per line, the reservation.
        var orderId = result["order"]!.GetValue<int>();
        (await scope.ScalarAsync<string>("SELECT state FROM sale_order WHERE id = $1", ct, orderId)).Should().Be("sale");
        (await scope.ScalarAsync<long>("SELECT count(*) FROM procurement_group WHERE sale_id = $1 AND name = $2", ct, orderId, orderName)).Should().Be(1);
        var pickings = await scope.RowsAsync(
            """
            SELECT p.name, p.state, p.origin, p.location_id = w.lot_stock_id, p.location_dest_id, p.picking_type_id = w.out_type_id
            FROM stock_picking p JOIN stock_warehouse w ON w.id = $2 WHERE p.sale_id = $1
            """, ct, orderId, Warehouse);
        pickings.Should().ContainSingle();
        ((string)pickings[0][0]!).Should().StartWith("ATL/OUT/");
        pickings[0][1..].Should().Equal("assigned", orderName, true, 5, true);
        var moves = await scope.RowsAsync(
            """
            SELECT pp.default_code, m.state, m.product_uom_qty, m.quantity, m.origin, m.procure_method, m.sale_line_id IS NOT NULL, m.create_uid,
                   (SELECT coalesce(sum(ml.quantity), 0) FROM stock_move_line ml WHERE ml.move_id = m.id)
            FROM stock_move m JOIN product_product pp ON pp.id = m.product_id JOIN sale_order_line l ON l.id = m.sale_line_id
            WHERE l.order_id = $1 ORDER BY m.id
            """, ct, orderId);
        moves.Should().HaveCount(2);
        moves[0].Should().Equal(reservedSku, "assigned", 2m, 2m, orderName, "make_to_stock", true, 1, 2m);
        moves[1].Should().Equal(missingSku, "confirmed", 1m, 0m, orderName, "make_to_stock", true, 1, 0m);
        (await scope.ScalarAsync<decimal>("SELECT sum(reserved_quantity) FROM stock_quant", ct)).Should().Be(reservedBefore + 2);
        (await scope.ScalarAsync<long>(OdooInvariants.ReservationMismatches, ct)).Should().Be(0);

        var cancelled = JsonNode.Parse(await RunAsync(ct, port, scope.Simulator.Database, scope.Simulator.Login, scope.Simulator.Password, "cancel",
            orderId.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        cancelled["cancel"]!.GetValue<bool>().Should().BeTrue();
        cancelled["cancelled"]!["state"]!.GetValue<string>().Should().Be("cancel");
        (await scope.ScalarAsync<long>("SELECT count(*) FROM stock_move m JOIN sale_order_line l ON l.id = m.sale_line_id WHERE l.order_id = $1 AND m.state <> 'cancel'",
            ct, orderId)).Should().Be(0);
        (await scope.ScalarAsync<long>("SELECT count(*) FROM stock_move_line ml JOIN stock_move m ON m.id = ml.move_id JOIN sale_order_line l ON l.id = m.sale_line_id WHERE l.order_id = $1",
            ct, orderId)).Should().Be(0);
        (await scope.ScalarAsync<string>("SELECT state FROM stock_picking WHERE sale_id = $1", ct, orderId)).Should().Be("cancel");
        (await scope.ScalarAsync<decimal>("SELECT sum(reserved_quantity) FROM stock_quant", ct)).Should().Be(reservedBefore);
        (await scope.ScalarAsync<long>(OdooInvariants.ReservationMismatches, ct)).Should().Be(0);
    }

    private static Task<string> RunAsync(CancellationToken ct, params string[] arguments) => DebianPython.RunAsync(Script, arguments, ct);
}
