using CdcBridge.Orders.Writer;
using CdcBridge.Testing;
using static CdcBridge.Orders.Tests.Writer.WriterScope;

namespace CdcBridge.Orders.Tests.Writer;

/// <summary>Channel orders written to the Odoo simulator, checked in SQL on the odoo database.</summary>
public sealed class OdooOrderWriterTests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_order_with_two_lines_a_discount_and_shipping_becomes_one_confirmed_sale_order_for_a_partner_found_or_made_by_email()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var delivery = await scope.Odoo.InstallStandardDeliveryAsync(Ct);
        var skus = await scope.Odoo.SkusAsync(2, Ct);
        var orderId = NewOrderId();
        var tax = new IntakeTaxLine("State Tax", 0.06m, 2.15m);
        var order = Order(orderId, "  Ada.Example+Orders@Example.COM ",
            [Line(1001, skus[0], 2, 19.90m, discount: 3.98m, taxes: tax), Line(1002, skus[1], 3, 5m, current: 1)],
            [new IntakeShippingLine { ShippingLineId = 77, Title = "Standard", Code = "STD", Price = 7.50m, DiscountedPrice = 5m }],
            shipTo: Address("1 Dock Road"), billTo: Address("9 Bank Street", name: "Ada Billing"));

        var outcome = await scope.Writer().WriteAsync(order, Ct);

        outcome.Created.Should().BeTrue();
        outcome.State.Should().Be("sale");
        var saleOrder = (await scope.Odoo.RowsAsync(
            "SELECT id, name, state, client_order_ref, partner_id, partner_shipping_id, partner_invoice_id, note FROM sale_order WHERE origin = $1", Ct,
            Origin(orderId))).Should().ContainSingle().Subject;
        saleOrder[0].Should().Be(outcome.SaleOrderId);
        saleOrder[1].Should().Be(outcome.SaleOrderName);
        saleOrder[2].Should().Be("sale");
        saleOrder[3].Should().Be(order.Name);
        ((string)saleOrder[7]!).Should().StartWith($"Shopify order {order.Name} ({Shop}, id {orderId}), amounts in USD.");

        var partner = (await scope.Odoo.RowsAsync("SELECT id, email_normalized, parent_id, type FROM res_partner WHERE id = $1", Ct, saleOrder[4]!)).Single();
        partner[1].Should().Be("ada.example+orders@example.com");
        partner[2].Should().BeNull();
        partner[3].Should().Be("contact");
        (await scope.Odoo.RowsAsync("SELECT parent_id, type, street, city, zip FROM res_partner WHERE id = $1", Ct, saleOrder[5]!)).Single()
            .Should().Equal(partner[0], "delivery", "1 Dock Road", "Portland", "97201");
        (await scope.Odoo.RowsAsync("SELECT parent_id, type, street FROM res_partner WHERE id = $1", Ct, saleOrder[6]!)).Single()
            .Should().Equal(partner[0], "invoice", "9 Bank Street");

        var lines = await scope.Odoo.RowsAsync(
            "SELECT product_id, product_uom_qty, price_unit, discount, name FROM sale_order_line WHERE order_id = $1 ORDER BY id", Ct, outcome.SaleOrderId);
        lines.Select(l => (l[0], (decimal)l[1]!, (decimal)l[2]!, (decimal)l[3]!)).Should().Equal(
            (await scope.Odoo.ProductIdAsync(skus[0], Ct), 2m, 19.90m, 10m),
            (await scope.Odoo.ProductIdAsync(skus[1], Ct), 1m, 5m, 0m), // the current quantity
            (delivery, 1m, 7.50m, 33.33m));
        ((string)lines[0][4]!).Should().Be($"Product {skus[0]}\nShopify discount: 3.98", "the tax is an Odoo tax on the line, not text");
        (await scope.Odoo.ScalarAsync<decimal>("SELECT amount_tax FROM sale_order WHERE id = $1", Ct, outcome.SaleOrderId)).Should().Be(2.15m);
        ((string)lines[2][4]!).Should().StartWith("Shipping: Standard (STD)");
        (await scope.ExternalIdsAsync(orderId, Ct)).Should().Be(1);

        // The buyer's next order finds the same partner and the same delivery contact.
        var next = await scope.Writer().WriteAsync(Order(NewOrderId(), "ada.example+orders@example.com", [Line(2001, skus[0], 1, 19.90m)], shipTo: Address("1 Dock Road")), Ct);
        (await scope.Odoo.RowsAsync("SELECT partner_id, partner_shipping_id, partner_invoice_id FROM sale_order WHERE id = $1", Ct, next.SaleOrderId)).Single()
            .Should().Equal(saleOrder[4], saleOrder[5], saleOrder[4]);
        (await scope.Odoo.ScalarAsync<long>("SELECT count(*) FROM res_partner WHERE email_normalized = 'ada.example+orders@example.com'", Ct)).Should().Be(1);
        (await scope.Odoo.ScalarAsync<long>("SELECT count(*) FROM res_partner WHERE parent_id = $1", Ct, saleOrder[4]!)).Should().Be(2);
    }

    [Fact]
    public async Task Writing_an_order_again_confirms_nothing_new_and_keeps_one_sale_order()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var orderId = NewOrderId();
        var order = Order(orderId, "again@example.com", [Line(1, sku, 2, 10m)]);
        var warehouse = await scope.Odoo.ScalarAsync<int>("SELECT max(id) FROM stock_warehouse WHERE active IS TRUE", Ct);
        var writer = scope.Writer(writerOptions: new OdooOrderWriterOptions { ExternalIdModule = Module, WarehouseId = warehouse });

        var first = await writer.WriteAsync(order, Ct);
        var confirmsBefore = scope.Odoo.Simulator.Requests().Count(r => r.Method == "action_confirm");
        var second = await writer.WriteAsync(order, Ct);

        second.Should().Be(first with { Created = false });
        scope.Odoo.Simulator.Requests().Count(r => r.Method == "action_confirm").Should().Be(confirmsBefore);
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(1);
        (await scope.ExternalIdsAsync(orderId, Ct)).Should().Be(1);
        (await scope.Odoo.ScalarAsync<int>("SELECT warehouse_id FROM sale_order WHERE id = $1", Ct, first.SaleOrderId)).Should().Be(warehouse);
    }

    [Fact]
    public async Task An_order_created_by_a_writer_stopped_before_confirming_is_confirmed_not_created_again()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var orderId = NewOrderId();
        var order = Order(orderId, "stopped@example.com", [Line(1, sku, 1, 12m)]);
        var writer = scope.Writer();

        var draft = await writer.CreateDraftAsync(order, Ct);
        var state = await scope.Odoo.ScalarAsync<string>("SELECT state FROM sale_order WHERE id = $1", Ct, draft.SaleOrderId);
        var written = await writer.WriteAsync(order, Ct);

        state.Should().Be("draft");
        written.Should().Be(new OdooOrderOutcome(draft.SaleOrderId, draft.SaleOrderName, "sale", Created: false));
        (await scope.Odoo.ScalarAsync<string>("SELECT state FROM sale_order WHERE id = $1", Ct, draft.SaleOrderId)).Should().Be("sale");
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(1);
    }

    [Fact]
    public async Task Concurrent_writes_of_one_order_make_one_sale_order_and_one_partner()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var skus = await scope.Odoo.SkusAsync(2, Ct);
        var orderId = NewOrderId();
        var order = Order(orderId, "race@example.com", [Line(1, skus[0], 1, 10m), Line(2, skus[1], 2, 4m)], shipTo: Address("5 Race Lane"));
        var writers = Enumerable.Range(0, 4).Select(_ => scope.Writer()).ToList();

        var outcomes = await Task.WhenAll(writers.Select(w => Task.Run(() => w.WriteAsync(order, Ct), Ct)));

        outcomes.Select(o => (o.SaleOrderId, o.State)).Distinct().Should().ContainSingle().Which.State.Should().Be("sale");
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(1);
        (await scope.ExternalIdsAsync(orderId, Ct)).Should().Be(1);
        (await scope.Odoo.ScalarAsync<long>("SELECT count(*) FROM res_partner WHERE email_normalized = 'race@example.com'", Ct)).Should().Be(1);
        (await scope.Odoo.ScalarAsync<long>("SELECT count(*) FROM sale_order_line WHERE order_id = $1", Ct, outcomes[0].SaleOrderId)).Should().Be(2);
    }

    [Fact]
    public async Task A_create_that_meets_the_order_a_concurrent_writer_made_updates_it_to_the_same_lines_and_adds_nothing()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var delivery = await scope.Odoo.InstallStandardDeliveryAsync(Ct);
        var skus = await scope.Odoo.SkusAsync(2, Ct);
        var orderId = NewOrderId();
        var order = Order(orderId, "late.loser@example.com", [Line(1, skus[0], 2, 10m), Line(2, skus[1], 1, 4m)],
            [new IntakeShippingLine { ShippingLineId = 3, Title = "Standard", Price = 5m, DiscountedPrice = 5m }]);
        var winner = await scope.Writer().WriteAsync(order, Ct);
        const string LinesSql = "SELECT id, product_id, product_uom_qty, price_unit, state FROM sale_order_line WHERE order_id = $1 ORDER BY id";
        var linesBefore = await scope.Odoo.RowsAsync(LinesSql, Ct, winner.SaleOrderId);
        var movesBefore = await scope.Odoo.ScalarAsync<long>("SELECT count(*) FROM stock_move", Ct);

        // The loser looked the order up before the winner committed, so it goes straight to creating it.
        var loser = await scope.Writer().CreateDraftAsync(order, Ct);

        loser.Should().Be(winner with { Created = false });
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(1);
        (await scope.Odoo.RowsAsync(LinesSql, Ct, winner.SaleOrderId)).Should().BeEquivalentTo(linesBefore, o => o.WithStrictOrdering());
        linesBefore.Should().HaveCount(3).And.Contain(l => Equals(l[1], delivery));
        (await scope.Odoo.ScalarAsync<long>("SELECT count(*) FROM stock_move", Ct)).Should().Be(movesBefore);
    }

    [Fact]
    public async Task An_unknown_sku_fails_permanently_naming_sku_and_line_and_creates_nothing()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var orderId = NewOrderId();
        var partners = await scope.Odoo.ScalarAsync<long>("SELECT count(*) FROM res_partner", Ct);
        var order = Order(orderId, "unknown.sku@example.com", [Line(4401, sku, 1, 10m), Line(4402, "NO-SUCH-SKU-9", 1, 10m)], shipTo: Address("7 Nowhere"));

        var act = () => scope.Writer().WriteAsync(order, Ct);

        var error = (await act.Should().ThrowAsync<OrderWriteException>()).Which;
        error.IsPermanent.Should().BeTrue();
        error.Reason.Should().Contain("'NO-SUCH-SKU-9'").And.Contain("line 4402").And.NotContain("line 4401").And.NotContain("unknown.sku");
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(0);
        (await scope.Odoo.ScalarAsync<long>("SELECT count(*) FROM res_partner", Ct)).Should().Be(partners);
        (await scope.Odoo.ScalarAsync<long>("SELECT count(*) FROM ir_model_data WHERE module = $1", Ct, Module)).Should().Be(0);
    }

    [Fact]
    public async Task An_order_in_another_currency_than_the_odoo_companys_fails_permanently_and_creates_nothing()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var orderId = NewOrderId();
        var company = await scope.Odoo.ScalarAsync<string>(
            "SELECT c.name FROM res_users u JOIN res_company co ON co.id = u.company_id JOIN res_currency c ON c.id = co.currency_id WHERE u.login = $1", Ct,
            scope.Odoo.Simulator.Login);
        var other = company == "EUR" ? "USD" : "EUR";
        var partners = await scope.Odoo.ScalarAsync<long>("SELECT count(*) FROM res_partner", Ct);

        var act = () => scope.Writer().WriteAsync(Order(orderId, "currency@example.com", [Line(1, sku, 1, 10m)]) with { Currency = other }, Ct);

        var error = (await act.Should().ThrowAsync<OrderWriteException>()).Which;
        error.IsPermanent.Should().BeTrue();
        error.Reason.Should().Contain($"is in {other} but the Odoo company prices in {company}");
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(0);
        (await scope.Odoo.ScalarAsync<long>("SELECT count(*) FROM res_partner", Ct)).Should().Be(partners);
    }

    [Fact]
    public async Task Shipping_without_the_shipping_product_in_odoo_fails_permanently_naming_it()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var orderId = NewOrderId();
        var order = Order(orderId, "ship@example.com", [Line(1, sku, 1, 10m)],
            [new IntakeShippingLine { ShippingLineId = 1, Title = "Express", Price = 9m, DiscountedPrice = 9m }]);

        var act = () => scope.Writer().WriteAsync(order, Ct);

        var error = (await act.Should().ThrowAsync<OrderWriteException>()).Which;
        error.IsPermanent.Should().BeTrue();
        error.Reason.Should().Contain($"'{OdooOrderWriterOptions.OdooStandardDeliveryCode}'").And.Contain("ShippingProductCode");
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(0);
    }

    [Fact]
    public async Task A_line_without_sku_is_matched_through_its_variant_and_a_variant_without_sku_fails_permanently()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        scope.Variants.Set(51_364_590_000_777, sku);
        var orderId = NewOrderId();

        var outcome = await scope.Writer().WriteAsync(Order(orderId, "variant@example.com", [Line(1, "", 3, 8m, variantId: 51_364_590_000_777)]), Ct);
        var orphanId = NewOrderId();
        var act = () => scope.Writer().WriteAsync(Order(orphanId, "variant@example.com", [Line(5501, null, 1, 8m, variantId: 51_364_590_000_778)]), Ct);

        (await scope.Odoo.RowsAsync("SELECT product_id, product_uom_qty FROM sale_order_line WHERE order_id = $1", Ct, outcome.SaleOrderId)).Single()
            .Should().Equal(await scope.Odoo.ProductIdAsync(sku, Ct), 3m);
        var error = (await act.Should().ThrowAsync<OrderWriteException>()).Which;
        error.IsPermanent.Should().BeTrue();
        error.Reason.Should().Contain("line 5501").And.Contain("variant 51364590000778");
        (await scope.OrdersWithOriginAsync(orphanId, Ct)).Should().Be(0);
        scope.Variants.Asked.Should().Be(2);
    }

    [Fact]
    public async Task A_line_whose_sku_the_intake_resolved_is_written_with_that_sku_without_asking_shopify_again()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var skus = await scope.Odoo.SkusAsync(2, Ct);
        // Shopify's answer now differs from the intake's: the order is written as availability counted it.
        scope.Variants.Set(51_364_590_000_901, skus[1]);
        var line = Line(1, null, 2, 8m, variantId: 51_364_590_000_901) with { ResolvedSku = skus[0] };

        var outcome = await scope.Writer().WriteAsync(Order(NewOrderId(), "resolved@example.com", [line]), Ct);

        (await scope.Odoo.RowsAsync("SELECT product_id, product_uom_qty FROM sale_order_line WHERE order_id = $1", Ct, outcome.SaleOrderId)).Single()
            .Should().Equal(await scope.Odoo.ProductIdAsync(skus[0], Ct), 2m);
        scope.Variants.Asked.Should().Be(0);
    }

    [Fact]
    public async Task An_order_without_email_gets_a_partner_per_shopify_customer_named_after_the_customer()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var customer = new IntakeCustomer(7_700_001, null, "Grace", "Hopper", null);

        var first = await scope.Writer().WriteAsync(Order(NewOrderId(), null, [Line(1, sku, 1, 10m)], customer: customer), Ct);
        var second = await scope.Writer().WriteAsync(Order(NewOrderId(), null, [Line(1, sku, 1, 10m)], customer: customer), Ct);
        var guest = await scope.Writer().WriteAsync(Order(NewOrderId(), null, [Line(1, sku, 1, 10m)], shipTo: Address("3 Guest Row", name: "Walk In")), Ct);

        var partnerOf = "SELECT p.id, p.name FROM sale_order o JOIN res_partner p ON p.id = o.partner_id WHERE o.id = $1";
        var a = (await scope.Odoo.RowsAsync(partnerOf, Ct, first.SaleOrderId)).Single();
        var b = (await scope.Odoo.RowsAsync(partnerOf, Ct, second.SaleOrderId)).Single();
        var c = (await scope.Odoo.RowsAsync(partnerOf, Ct, guest.SaleOrderId)).Single();
        a.Should().Equal(b[0], "Grace Hopper");
        c[1].Should().Be("Walk In");
        c[0].Should().NotBe(a[0]);
    }

    [Fact]
    public async Task Cancel_answers_null_for_an_order_odoo_never_held_and_cancels_a_confirmed_one_without_the_wizard()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var orderId = NewOrderId();
        var order = Order(orderId, "cancel@example.com", [Line(1, sku, 1, 10m)]);
        var writer = scope.Writer();

        var before = await writer.CancelAsync(order, Ct);
        var written = await writer.WriteAsync(order, Ct);
        var cancelled = await writer.CancelAsync(order, Ct);
        var again = await writer.CancelAsync(order, Ct);

        before.Should().BeNull();
        written.State.Should().Be("sale");
        cancelled.Should().Be(written with { State = "cancel", Created = false });
        again.Should().Be(cancelled);
        (await scope.Odoo.ScalarAsync<string>("SELECT state FROM sale_order WHERE id = $1", Ct, written.SaleOrderId)).Should().Be("cancel");
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(1);
        scope.Odoo.Simulator.Requests().Where(r => r.Method == "action_cancel").Should().ContainSingle().Which.Outcome.Should().Be("ok");
    }

    [Fact]
    public async Task Cancelling_a_locked_order_fails_permanently_without_a_retry()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var order = Order(NewOrderId(), "locked@example.com", [Line(1, sku, 1, 10m)]);
        var writer = scope.Writer();
        var written = await writer.WriteAsync(order, Ct);
        await scope.Odoo.ScalarAsync<int>("UPDATE sale_order SET locked = true WHERE id = $1 RETURNING id", Ct, written.SaleOrderId);

        var act = () => writer.CancelAsync(order, Ct);

        var error = (await act.Should().ThrowAsync<OrderWriteException>()).Which;
        error.IsPermanent.Should().BeTrue();
        error.Reason.Should().Contain("You cannot cancel a locked order");
        scope.Odoo.Simulator.Requests().Count(r => r.Method == "action_cancel").Should().Be(1);
        (await scope.Odoo.ScalarAsync<string>("SELECT state FROM sale_order WHERE id = $1", Ct, written.SaleOrderId)).Should().Be("sale");
    }
}
