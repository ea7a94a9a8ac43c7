using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.Orders.Dispatch;
using CdcBridge.Orders.Writer;
using CdcBridge.Testing;
using static CdcBridge.Orders.Tests.Writer.WriterScope;

namespace CdcBridge.Orders.Tests.Dispatch;

/// <summary>
/// The store's warehouse is looked up when the first order is written, not when the sidecar starts: a sidecar started
/// while Odoo is down takes webhooks and writes the orders once Odoo answers.
/// </summary>
public sealed class StoreWarehouseWriterTests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bug_the_sidecar_could_not_start_while_Odoo_was_down_the_warehouse_is_looked_up_with_the_first_order()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var (warehouseId, code) = await WarehouseAsync(scope);
        var client = scope.Odoo.Client(scope.Odoo.Options() with { MaxAttempts = 2 });
        scope.Odoo.Simulator.InjectFaults(new OdooSimFaults { Down = new OdooDownFault(600) });

        // Made while Odoo is down, as the sidecar makes it at start: nothing is asked of Odoo yet.
        var made = 0;
        var writer = new StoreWarehouseWriter(client, code, id =>
        {
            made++;
            return new OdooOrderWriter(client, scope.Variants, new OdooOrderWriterOptions { ExternalIdModule = Module, WarehouseId = id });
        });
        scope.Odoo.Simulator.Requests().Should().BeEmpty();
        var order = Order(NewOrderId(), "warehouse@example.com", [Line(1, sku, 1, 10m)]);

        var whileDown = await FluentActions.Awaiting(() => writer.WriteAsync(order, Ct)).Should().ThrowAsync<OrderWriteException>();
        whileDown.Which.IsPermanent.Should().BeFalse("Odoo being down is worth another attempt");
        whileDown.Which.Reason.Should().Contain($"warehouse '{code}'");

        scope.Odoo.Simulator.ClearFaults();
        var first = await writer.WriteAsync(order, Ct);
        var second = await writer.WriteAsync(Order(NewOrderId(), "warehouse@example.com", [Line(1, sku, 1, 10m)]), Ct);

        (await scope.Odoo.ScalarAsync<int>("SELECT warehouse_id FROM sale_order WHERE id = $1", Ct, first.SaleOrderId)).Should().Be(warehouseId);
        (await scope.Odoo.ScalarAsync<int>("SELECT warehouse_id FROM sale_order WHERE id = $1", Ct, second.SaleOrderId)).Should().Be(warehouseId);
        made.Should().Be(1, "the warehouse is looked up once and kept");
        scope.Odoo.Simulator.Requests().Count(r => r.Model == "stock.warehouse" && r.Outcome == "ok").Should().Be(1);
    }

    [Fact]
    public async Task A_warehouse_code_Odoo_does_not_have_parks_the_order_with_the_code_named()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var client = scope.Odoo.Client();
        var writer = new StoreWarehouseWriter(client, "NOPE", id => new OdooOrderWriter(client, scope.Variants, new OdooOrderWriterOptions { WarehouseId = id }));

        var refused = await FluentActions.Awaiting(() => writer.WriteAsync(Order(NewOrderId(), "nope@example.com", [Line(1, sku, 1, 10m)]), Ct))
            .Should().ThrowAsync<OrderWriteException>();

        refused.Which.IsPermanent.Should().BeTrue();
        refused.Which.Reason.Should().Contain("'NOPE'").And.Contain("stores[].orderWarehouse");
    }

    private static async Task<(int Id, string Code)> WarehouseAsync(Writer.WriterScope scope)
    {
        var row = (await scope.Odoo.RowsAsync("SELECT id, code FROM stock_warehouse WHERE active IS TRUE ORDER BY id DESC LIMIT 1", Ct)).Single();
        return ((int)row[0]!, (string)row[1]!);
    }
}
