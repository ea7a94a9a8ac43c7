using System.Globalization;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Odoo;
using CdcBridge.DevStack.Tests.OdooSimulator;

namespace CdcBridge.DevStack.Tests.Odoo;

/// <summary>
/// Sale taxes in the Odoo simulator: account.tax searched as the order writer searches it, sale.order.line.tax_id
/// written by commands and by load(), the line and order amounts Odoo 17 computes from percent taxes, and the
/// product's Customer Taxes filling in a line created without tax_id.
/// </summary>
public sealed class OdooSimulatorTaxTests(InfrastructureFixture fixture)
{
    private static readonly JsonArray LoadFields =
        ["id", "partner_id/.id", "order_line/id", "order_line/product_id/.id", "order_line/product_uom_qty", "order_line/price_unit", "order_line/tax_id/.id"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Search_read_finds_active_percent_sale_taxes_by_rate_price_include_and_company()
    {
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, Ct);
        JsonArray Sale(bool included) =>
            [new JsonArray("type_tax_use", "=", "sale"), new JsonArray("amount_type", "=", "percent"), new JsonArray("price_include", "=", included),
             new JsonArray("company_id", "=", RetailerSeed.CompanyId)];

        (await IdsAsync(scope, Sale(included: false))).Should().Equal(SaleTaxes.Exempt.Id, SaleTaxes.Reduced.Id, SaleTaxes.Standard.Id);
        (await IdsAsync(scope, Sale(included: true))).Should().Equal(SaleTaxes.StandardIncluded.Id);

        await scope.ResultAsync("account.tax", "write", [new JsonArray(SaleTaxes.Reduced.Id), new JsonObject { ["active"] = false }], ct: Ct);
        (await IdsAsync(scope, Sale(included: false))).Should().Equal(SaleTaxes.Exempt.Id, SaleTaxes.Standard.Id);
        var read = (await scope.ResultAsync("account.tax", "read", [new JsonArray(SaleTaxes.StandardIncluded.Id), new JsonArray("name", "amount", "price_include")],
            ct: Ct))![0]!;
        read.ToJsonString().Should().Be($"{{\"id\":{SaleTaxes.StandardIncluded.Id},\"name\":\"15% incl.\",\"amount\":15,\"price_include\":true}}");
    }

    [Fact]
    public async Task Tax_commands_on_a_line_set_its_taxes_and_odoos_amounts_price_excluded_and_included()
    {
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, Ct);
        var product = await scope.ScalarAsync<int>("SELECT id FROM product_product WHERE default_code IS NOT NULL ORDER BY id LIMIT 1", Ct);
        var order = (await scope.ResultAsync("sale.order", "create", [new JsonObject
        {
            ["partner_id"] = 1,
            ["order_line"] = new JsonArray(new JsonArray(0, 0, new JsonObject
            {
                ["product_id"] = product, ["product_uom_qty"] = 3, ["price_unit"] = 9.99, ["tax_id"] = new JsonArray(new JsonArray(6, 0, new JsonArray(SaleTaxes.Standard.Id))),
            })),
        }], ct: Ct))!.GetValue<int>();
        var line = await scope.ScalarAsync<int>("SELECT id FROM sale_order_line WHERE order_id = $1", Ct, order);

        // Excluded: 29.97 + round(29.97 × 15 %) = 29.97 + 4.50.
        (await AmountsAsync(scope, order)).Should().Equal(29.97m, 4.5m, 34.47m);
        (await scope.ResultAsync("sale.order.line", "read", [new JsonArray(line), new JsonArray("tax_id")], ct: Ct))![0]!["tax_id"]!.ToJsonString()
            .Should().Be($"[{SaleTaxes.Standard.Id}]");
        (await scope.ResultAsync("sale.order.line", "search", [new JsonArray(new JsonArray("tax_id", "in", new JsonArray(SaleTaxes.Standard.Id)))], ct: Ct))!
            .AsArray().Select(i => i!.GetValue<int>()).Should().Contain(line);

        // Included: 29.97 holds round(29.97 / 1.15) = 26.06 and 3.91 of tax; the total stays what the buyer pays.
        await scope.ResultAsync("sale.order.line", "write", [new JsonArray(line), new JsonObject { ["tax_id"] = new JsonArray(SaleTaxes.StandardIncluded.Id) }], ct: Ct);
        (await AmountsAsync(scope, order)).Should().Equal(26.06m, 3.91m, 29.97m);
        (await scope.ScalarAsync<double>("SELECT price_tax FROM sale_order_line WHERE id = $1", Ct, line)).Should().Be(3.91);

        await scope.ResultAsync("sale.order.line", "write", [new JsonArray(line), new JsonObject { ["tax_id"] = new JsonArray(new JsonArray(5)) }], ct: Ct);
        (await AmountsAsync(scope, order)).Should().Equal(29.97m, 0m, 29.97m);
    }

    [Fact]
    public async Task Load_sets_taxes_from_comma_separated_database_ids_and_an_empty_cell_keeps_a_line_untaxed_over_its_products_customer_taxes()
    {
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, Ct);
        var product = await scope.ScalarAsync<int>("SELECT id FROM product_product WHERE default_code IS NOT NULL ORDER BY id LIMIT 1", Ct);
        await scope.ScalarAsync<int>("INSERT INTO product_taxes_rel (prod_id, tax_id) SELECT product_tmpl_id, $2 FROM product_product WHERE id = $1 RETURNING tax_id", Ct,
            product, SaleTaxes.Standard.Id);
        var id = product.ToString(CultureInfo.InvariantCulture);
        var taxes = string.Create(CultureInfo.InvariantCulture, $"{SaleTaxes.Exempt.Id},{SaleTaxes.Reduced.Id}");

        var load = await scope.ResultAsync("sale.order", "load", [LoadFields.DeepClone(), new JsonArray(
            new JsonArray("__test__.order_1", "1", "__test__.line_1", id, "1", "10", taxes),
            new JsonArray("", "", "__test__.line_2", id, "1", "10", ""))], ct: Ct);
        load!["messages"]!.AsArray().Should().BeEmpty(load.ToJsonString());
        var order = load["ids"]![0]!.GetValue<int>();

        (await LineTaxesAsync(scope, order)).Should().Equal(taxes, "");
        (await AmountsAsync(scope, order)).Should().Equal(20m, 0.6m, 20.6m);

        // Without tax_id at all, Odoo computes the line's taxes from the product.
        var created = (await scope.ResultAsync("sale.order", "create",
            [new JsonObject { ["partner_id"] = 1, ["order_line"] = new JsonArray(new JsonArray(0, 0, new JsonObject { ["product_id"] = product })) }], ct: Ct))!
            .GetValue<int>();
        (await LineTaxesAsync(scope, created)).Should().Equal(SaleTaxes.Standard.Id.ToString(CultureInfo.InvariantCulture));

        var unknown = await scope.ResultAsync("sale.order", "load", [LoadFields.DeepClone(), new JsonArray(
            new JsonArray("__test__.order_2", "1", "__test__.line_3", id, "1", "10", "999999"))], ct: Ct);
        unknown!["ids"]!.GetValue<bool>().Should().BeFalse();
        unknown["messages"]![0]!["message"]!.GetValue<string>().Should().Contain("No matching record found for database id '999999' in field 'Taxes'");
    }

    private static async Task<List<int>> IdsAsync(OdooSimulatorScope scope, JsonArray domain) =>
        [.. (await scope.ResultAsync("account.tax", "search_read", [domain, new JsonArray("id")], new JsonObject { ["order"] = "sequence, id" }, Ct))!
            .AsArray().Select(r => r!["id"]!.GetValue<int>())];

    private static async Task<List<decimal>> AmountsAsync(OdooSimulatorScope scope, int order) =>
        [.. (await scope.RowsAsync("SELECT amount_untaxed, amount_tax, amount_total FROM sale_order WHERE id = $1", Ct, order)).Single().Select(v => (decimal)v!)];

    /// <summary>Each line's account.tax ids, comma-separated in id order, lines in id order.</summary>
    private static async Task<List<string>> LineTaxesAsync(OdooSimulatorScope scope, int order) =>
        [.. (await scope.RowsAsync(
            """
            SELECT coalesce((SELECT string_agg(r.account_tax_id::text, ',' ORDER BY r.account_tax_id) FROM account_tax_sale_order_line_rel r
                             WHERE r.sale_order_line_id = l.id), '')
            FROM sale_order_line l WHERE l.order_id = $1 ORDER BY l.id
            """, Ct, order)).Select(r => (string)r[0]!)];
}
