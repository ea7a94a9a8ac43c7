using System.Text.Json.Nodes;
using CdcBridge.DevStack.Odoo.Simulator;

namespace CdcBridge.DevStack.Tests.OdooSimulator;

/// <summary>Odoo's JSON-RPC contract: version, authentication, the error shape and names, and every model's reads.</summary>
public sealed class OdooSimulatorProtocolTests(InfrastructureFixture fixture)
{
    [Fact]
    public async Task Version_is_odoo_17_and_bad_credentials_are_false_from_login_but_access_denied_from_execute_kw()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, ct);
        var db = scope.Simulator.Database;

        var (status, version, _) = await scope.CallAsync("common", "version", [], ct);
        status.Should().Be(200);
        version!["result"]!["server_version"]!.GetValue<string>().Should().Be("17.0");
        version["result"]!["server_serie"]!.GetValue<string>().Should().Be("17.0");
        version["result"]!["protocol_version"]!.GetValue<int>().Should().Be(1);
        version["result"]!["server_version_info"]!.ToJsonString().Should().Be("[17,0,0,\"final\",0,\"\"]");

        (await scope.CallAsync("common", "authenticate", [db, "admin", scope.Simulator.Password, new JsonObject()], ct)).Reply!["result"]!.GetValue<int>()
            .Should().Be(scope.Simulator.Uid);
        (await scope.CallAsync("common", "login", [db, "admin", scope.Simulator.Password], ct)).Reply!["result"]!.GetValue<int>().Should().Be(scope.Simulator.Uid);
        foreach (var method in new[] { "authenticate", "login" })
        {
            var (badStatus, bad, raw) = await scope.CallAsync("common", method, [db, "admin", "wrong", new JsonObject()], ct);
            badStatus.Should().Be(200);
            bad!["error"].Should().BeNull(raw);
            bad["result"]!.GetValue<bool>().Should().BeFalse("common.{0} answers false on bad credentials, not an error", method);
        }

        var denied = await scope.ExecuteKwAsync("res.partner", "search", [new JsonArray()], password: "wrong", ct: ct);
        denied["result"].Should().BeNull();
        denied["jsonrpc"]!.GetValue<string>().Should().Be("2.0");
        denied["id"].Should().NotBeNull();
        var error = denied["error"]!;
        error["code"]!.GetValue<int>().Should().Be(200);
        error["message"]!.GetValue<string>().Should().Be("Odoo Server Error");
        error["data"]!["name"]!.GetValue<string>().Should().Be("odoo.exceptions.AccessDenied");
        error["data"]!["message"]!.GetValue<string>().Should().Be("Access Denied");
        error["data"]!["arguments"]!.ToJsonString().Should().Be("[\"Access Denied\"]");
        error["data"]!["context"]!.ToJsonString().Should().Be("{}");
        error["data"]!["debug"]!.GetValue<string>().Should().StartWith("Traceback");
    }

    [Fact]
    public async Task Unknown_ids_models_and_methods_answer_the_errors_odoo_raises_and_write_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, ct);
        var orders = await scope.ScalarAsync<long>("SELECT count(*) FROM sale_order", ct);

        var missingProduct = await scope.ExecuteKwAsync("sale.order", "create",
            [new JsonObject { ["partner_id"] = 10, ["order_line"] = new JsonArray(new JsonArray(0, 0, new JsonObject { ["product_id"] = 999_999, ["product_uom_qty"] = 1 })) }],
            ct: ct);
        missingProduct["error"]!["data"]!["name"]!.GetValue<string>().Should().Be("odoo.exceptions.MissingError");
        missingProduct["error"]!["data"]!["message"]!.GetValue<string>().Should().Contain("product.product(999999,)");
        (await scope.ScalarAsync<long>("SELECT count(*) FROM sale_order", ct)).Should().Be(orders, "the call's transaction was rolled back");

        var noPartner = await scope.ExecuteKwAsync("sale.order", "create", [new JsonObject { ["client_order_ref"] = "#9" }], ct: ct);
        noPartner["error"]!["data"]!["name"]!.GetValue<string>().Should().Be("odoo.exceptions.ValidationError");
        noPartner["error"]!["data"]!["message"]!.GetValue<string>().Should().Contain("Field: Customer (partner_id)");

        var unknownModel = await scope.ExecuteKwAsync("x.nothing", "search", [new JsonArray()], ct: ct);
        unknownModel["error"]!["data"]!["name"]!.GetValue<string>().Should().Be("odoo.exceptions.UserError");
        unknownModel["error"]!["data"]!["message"]!.GetValue<string>().Should().Be("Object x.nothing doesn't exist");

        var unknownMethod = await scope.ExecuteKwAsync("res.partner", "frobnicate", [new JsonArray()], ct: ct);
        unknownMethod["error"]!["data"]!["name"]!.GetValue<string>().Should().Be("builtins.AttributeError");
        unknownMethod["error"]!["data"]!["message"]!.GetValue<string>().Should().Be("The method 'frobnicate' does not exist on the model 'res.partner'");

        var privateMethod = await scope.ExecuteKwAsync("sale.order", "_action_confirm", [new JsonArray(1)], ct: ct);
        privateMethod["error"]!["data"]!["name"]!.GetValue<string>().Should().Be("odoo.exceptions.AccessError");

        var badField = await scope.ExecuteKwAsync("res.partner", "search", [new JsonArray(new JsonArray("nope", "=", 1))], ct: ct);
        badField["error"]!["data"]!["name"]!.GetValue<string>().Should().Be("builtins.ValueError");

        var missingRead = await scope.ExecuteKwAsync("sale.order", "read", [new JsonArray(987_654)], ct: ct);
        missingRead["error"]!["data"]!["name"]!.GetValue<string>().Should().Be("odoo.exceptions.MissingError");
    }

    [Fact]
    public async Task Every_model_answers_search_read_with_its_default_order_and_all_fields()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, ct);
        foreach (var model in new[]
                 {
                     "res.partner", "res.users", "res.company", "res.currency", "uom.uom", "product.category", "product.template", "product.product",
                     "stock.warehouse", "stock.location", "stock.picking.type", "procurement.group", "stock.picking", "stock.move", "stock.move.line",
                     "stock.quant", "stock.lot", "sale.order", "sale.order.line", "ir.model.data",
                 })
        {
            var rows = await scope.ResultAsync(model, "search_read", [new JsonArray()], new JsonObject { ["limit"] = 3 }, ct);
            rows.Should().BeOfType<JsonArray>(model);
            (await scope.ResultAsync(model, "fields_get", [], new JsonObject { ["attributes"] = new JsonArray("type", "string") }, ct))!["id"]!["type"]!
                .GetValue<string>().Should().Be("integer");
        }

        var product = (await scope.ResultAsync("product.product", "search_read", [new JsonArray(new JsonArray("default_code", "!=", false))],
            new JsonObject { ["fields"] = new JsonArray("display_name", "default_code", "product_tmpl_id", "qty_available"), ["limit"] = 1 }, ct))![0]!;
        product["display_name"]!.GetValue<string>().Should().StartWith("[" + product["default_code"]!.GetValue<string>() + "] ");
        product["product_tmpl_id"]!.AsArray().Should().HaveCount(2);
        var names = await scope.ResultAsync("product.product", "name_search", [product["default_code"]!.GetValue<string>()], ct: ct);
        names!.AsArray().Select(n => n![0]!.GetValue<int>()).Should().Contain(product["id"]!.GetValue<int>());
    }
}
