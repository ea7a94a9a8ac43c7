using CdcBridge.Orders.Odoo;
using CdcBridge.Orders.Writer;
using CdcBridge.Testing;
using static CdcBridge.Orders.Tests.Writer.WriterScope;

namespace CdcBridge.Orders.Tests.Writer;

/// <summary>The order writer's main flow with the Odoo client speaking Odoo 19's JSON-2 API to the simulator.</summary>
public sealed class OdooOrderWriterJson2Tests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_order_is_written_once_confirmed_written_again_without_a_second_and_cancelled_over_json2()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var delivery = await scope.Odoo.InstallStandardDeliveryAsync(Ct);
        var skus = await scope.Odoo.SkusAsync(2, Ct);
        var orderId = NewOrderId();
        var order = Order(orderId, "json2.buyer@example.com", [Line(1, skus[0], 2, 19.90m), Line(2, skus[1], 1, 5m)],
            [new IntakeShippingLine { ShippingLineId = 9, Title = "Standard", Code = "STD", Price = 7.50m, DiscountedPrice = 7.50m }],
            shipTo: Address("1 Dock Road"));
        var writer = scope.Writer(scope.Odoo.Options() with { Api = OdooApi.Json2 });

        var written = await writer.WriteAsync(order, Ct);
        var confirms = scope.Odoo.Simulator.Requests().Count(r => r.Method == "action_confirm");
        var again = await writer.WriteAsync(order, Ct);
        var cancelled = await writer.CancelAsync(order, Ct);

        written.Created.Should().BeTrue();
        written.State.Should().Be("sale");
        again.Should().Be(written with { Created = false });
        cancelled.Should().Be(written with { State = "cancel", Created = false });
        confirms.Should().Be(1);
        scope.Odoo.Simulator.Requests().Count(r => r.Method == "action_confirm").Should().Be(1, "the second write found the confirmed order");
        var saleOrder = (await scope.Odoo.RowsAsync("SELECT id, state, client_order_ref, origin FROM sale_order WHERE origin = $1", Ct, Origin(orderId)))
            .Should().ContainSingle().Subject;
        saleOrder.Should().Equal(written.SaleOrderId, "cancel", order.Name, Origin(orderId));
        (await scope.Odoo.RowsAsync("SELECT product_id, product_uom_qty FROM sale_order_line WHERE order_id = $1 ORDER BY id", Ct, written.SaleOrderId))
            .Select(l => (l[0], (decimal)l[1]!)).Should().Equal(
                (await scope.Odoo.ProductIdAsync(skus[0], Ct), 2m), (await scope.Odoo.ProductIdAsync(skus[1], Ct), 1m), (delivery, 1m));
        (await scope.ExternalIdsAsync(orderId, Ct)).Should().Be(1);
        var log = scope.Odoo.Simulator.Requests();
        log.Should().OnlyContain(r => r.Path.StartsWith("/json/2/", StringComparison.Ordinal) && r.HttpStatus == 200);
        log.Select(r => r.Method).Should().Contain(["context_get", "search_read", "load", "action_confirm", "action_cancel"]);
    }
}
