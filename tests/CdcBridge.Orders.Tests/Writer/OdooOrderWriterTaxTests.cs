using System.Text.Json.Nodes;
using CdcBridge.DevStack.Odoo;
using CdcBridge.Orders.Writer;
using CdcBridge.Testing;
using static CdcBridge.Orders.Tests.Writer.WriterScope;

namespace CdcBridge.Orders.Tests.Writer;

/// <summary>
/// Shopify's tax lines written as Odoo taxes on the lines (sale_order_line.tax_id), checked in SQL: the seeded sale
/// taxes (<see cref="SaleTaxes"/>) are 0 %, 6 %, 15 % and 15 % included in the price, plus a 15 % purchase tax.
/// </summary>
public sealed class OdooOrderWriterTaxTests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Price_excluded_shopify_taxes_become_the_matching_odoo_sale_tax_on_each_line_and_odoos_tax_total_is_shopifys()
    {
        await using var scope = await StartAsync(fixture, Ct);
        await scope.Odoo.InstallStandardDeliveryAsync(Ct);
        var skus = await scope.Odoo.SkusAsync(2, Ct);
        var orderId = NewOrderId();

        // Shopify taxes the discounted price: (2 × 19.90 − 3.98) × 15 % = 5.373 → 5.37; shipping 10.00 × 15 % = 1.50.
        IntakeOrderLine[] lines = [Line(1, skus[0], 2, 19.90m, discount: 3.98m, taxes: new IntakeTaxLine("VAT", 0.15m, 5.37m)), Line(2, skus[1], 1, 5m)];
        IntakeShippingLine[] shipping =
            [new IntakeShippingLine { ShippingLineId = 3, Title = "Standard", Price = 10m, DiscountedPrice = 10m, TaxLines = [new("VAT", 0.15m, 1.50m)] }];
        var order = Order(orderId, "taxed@example.com", lines, shipping) with { TotalTax = 6.87m };

        var written = await scope.Writer().WriteAsync(order, Ct);

        (await LinesAsync(scope, written.SaleOrderId)).Should().Equal(
            (Ids(SaleTaxes.Standard.Id), 35.82m, 5.37, 41.19m),
            (Ids(), 5m, 0.0, 5m),
            (Ids(SaleTaxes.Standard.Id), 10m, 1.5, 11.5m));
        (await AmountsAsync(scope, written.SaleOrderId)).Should().Be((50.82m, order.TotalTax, 57.69m));
    }

    [Fact]
    public async Task Price_included_shopify_taxes_become_the_price_included_odoo_tax_and_odoos_subtotal_leaves_the_tax_out()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var skus = await scope.Odoo.SkusAsync(2, Ct);
        var orderId = NewOrderId();

        // Included: 23.00 holds 23.00 × 15 / 115 = 3.00 of tax; 3 × 9.99 = 29.97 holds 3.909 → 3.91.
        IntakeOrderLine[] lines =
            [Line(1, skus[0], 1, 23m, taxes: new IntakeTaxLine("VAT", 0.15m, 3m)), Line(2, skus[1], 3, 9.99m, taxes: new IntakeTaxLine("VAT", 0.15m, 3.91m))];
        var order = Order(orderId, "included@example.com", lines) with { TaxesIncluded = true, TotalTax = 6.91m };

        var written = await scope.Writer().WriteAsync(order, Ct);

        (await LinesAsync(scope, written.SaleOrderId)).Should().Equal(
            (Ids(SaleTaxes.StandardIncluded.Id), 20m, 3.0, 23m),
            (Ids(SaleTaxes.StandardIncluded.Id), 26.06m, 3.91, 29.97m));
        (await AmountsAsync(scope, written.SaleOrderId)).Should().Be((46.06m, order.TotalTax, 52.97m), "the total is what the buyer paid");
    }

    [Fact]
    public async Task An_untaxed_shopify_line_gets_no_odoo_tax_even_when_its_product_has_customer_taxes()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var productId = await scope.Odoo.ProductIdAsync(sku, Ct);
        await scope.Odoo.ScalarAsync<int>(
            "INSERT INTO product_taxes_rel (prod_id, tax_id) SELECT product_tmpl_id, $2 FROM product_product WHERE id = $1 RETURNING tax_id", Ct,
            productId, SaleTaxes.Standard.Id);

        var written = await scope.Writer().WriteAsync(Order(NewOrderId(), "untaxed@example.com", [Line(1, sku, 2, 10m)]), Ct);

        (await LinesAsync(scope, written.SaleOrderId)).Should().Equal((Ids(), 20m, 0.0, 20m));
        (await AmountsAsync(scope, written.SaleOrderId)).Should().Be((20m, 0m, 20m));

        // The control: a line created without tax_id gets the product's Customer Taxes, as Odoo computes them.
        var partner = await scope.Odoo.ScalarAsync<int>("SELECT partner_id FROM sale_order WHERE id = $1", Ct, written.SaleOrderId);
        var client = scope.Odoo.Client();
        var other = (await client.ExecuteKwAsync("sale.order", "create",
            [new JsonObject { ["partner_id"] = partner, ["order_line"] = new JsonArray(new JsonArray(0, 0, new JsonObject { ["product_id"] = productId })) }],
            null, Ct))!.GetValue<int>();
        (await LinesAsync(scope, other)).Select(l => l.Taxes).Should().Equal(Ids(SaleTaxes.Standard.Id));
    }

    [Fact]
    public async Task A_rate_without_an_odoo_tax_fails_permanently_naming_title_rate_and_line_and_is_written_once_after_the_tax_is_created()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var skus = await scope.Odoo.SkusAsync(2, Ct);
        var orderId = NewOrderId();
        IntakeOrderLine[] lines =
            [Line(1, skus[0], 1, 10m, taxes: new IntakeTaxLine("State Tax", 0.06m, 0.6m)), Line(2, skus[1], 4, 10m, taxes: new IntakeTaxLine("Local Tax", 0.0725m, 2.9m))];
        var order = Order(orderId, "local.tax@example.com", lines) with { TotalTax = 3.5m };
        var writer = scope.Writer();

        var refused = await writer.Invoking(w => w.WriteAsync(order, Ct)).Should().ThrowAsync<OrderWriteException>();

        refused.Which.IsPermanent.Should().BeTrue();
        refused.Which.Reason.Should().Contain("'Local Tax' 7.25% on line 2").And.Contain("Amount 7.25").And.Contain("unchecked").And.NotContain("State Tax");
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(0);

        // The merchant creates the tax in Odoo; the same writer (its taxes read before) finds it on the replay.
        var created = (await scope.Odoo.Client().ExecuteKwAsync("account.tax", "create",
            [new JsonObject { ["name"] = "7.25% Local", ["amount"] = 7.25 }], null, Ct))!.GetValue<int>();
        var written = await writer.WriteAsync(order, Ct);

        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(1);
        (await LinesAsync(scope, written.SaleOrderId)).Select(l => l.Taxes).Should().Equal(Ids(SaleTaxes.Reduced.Id), Ids(created));
        (await AmountsAsync(scope, written.SaleOrderId)).Tax.Should().Be(order.TotalTax);
    }

    [Fact]
    public async Task Taxes_are_read_once_per_writer_and_set_in_the_orders_own_load()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var writer = scope.Writer();
        await writer.WriteAsync(Order(NewOrderId(), "first@example.com", [Line(1, sku, 1, 10m, taxes: new IntakeTaxLine("Sales Tax", 0.06m, 0.6m))]), Ct);
        var since = scope.Odoo.Simulator.Requests().Max(r => r.Seq);

        var second = await writer.WriteAsync(
            Order(NewOrderId(), "first@example.com", [Line(1, sku, 1, 10m, taxes: new IntakeTaxLine("Sales Tax", 0.06m, 0.6m))]), Ct);

        var requests = scope.Odoo.Simulator.Requests(since);
        requests.Should().NotContain(r => r.Model == "account.tax" || r.Method == "fields_get");
        requests.Where(r => r.Model == "sale.order" && r.Method == "load").Should().ContainSingle();
        (await LinesAsync(scope, second.SaleOrderId)).Single().Taxes.Should().Be(Ids(SaleTaxes.Reduced.Id));
        scope.Odoo.Simulator.Requests().Count(r => r.Model == "account.tax").Should().Be(1);
    }

    /// <summary>account.tax ids as <see cref="LinesAsync"/> lists them.</summary>
    private static string Ids(params int[] ids) => string.Join(",", ids.Order());

    /// <summary>The order's lines in id order: (account.tax ids, price_subtotal, price_tax, price_total).</summary>
    private static async Task<List<(string Taxes, decimal Subtotal, double Tax, decimal Total)>> LinesAsync(WriterScope scope, int saleOrderId) =>
        [.. (await scope.Odoo.RowsAsync(
            """
            SELECT coalesce((SELECT string_agg(r.account_tax_id::text, ',' ORDER BY r.account_tax_id) FROM account_tax_sale_order_line_rel r
                             WHERE r.sale_order_line_id = l.id), ''),
                   l.price_subtotal, l.price_tax, l.price_total
            FROM sale_order_line l WHERE l.order_id = $1 ORDER BY l.id
            """, Ct, saleOrderId)).Select(r => ((string)r[0]!, (decimal)r[1]!, (double)r[2]!, (decimal)r[3]!))];

    private static async Task<(decimal Untaxed, decimal Tax, decimal Total)> AmountsAsync(WriterScope scope, int saleOrderId)
    {
        var row = (await scope.Odoo.RowsAsync("SELECT amount_untaxed, amount_tax, amount_total FROM sale_order WHERE id = $1", Ct, saleOrderId)).Single();
        return ((decimal)row[0]!, (decimal)row[1]!, (decimal)row[2]!);
    }
}
