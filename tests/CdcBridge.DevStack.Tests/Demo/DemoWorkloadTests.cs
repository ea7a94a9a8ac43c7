using CdcBridge.DevStack.Demo;
using CdcBridge.DevStack.Shopify;
using CdcBridge.DevStack.Tests.Odoo;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.DevStack.Tests.Demo;

/// <summary>The demo traffic of <c>make run</c> writes Odoo's tables as Odoo would, so what the sidecar shows is meaningful.</summary>
public sealed class DemoWorkloadTests(InfrastructureFixture fixture)
{
    // Odoo's invariant between quants and open move lines: a quant's reserved_quantity is what the not-done move lines
    // taking from that (product, location, lot, package) hold. The seed establishes it; every demo step must keep it.

    [Fact]
    public async Task Receipts_reservations_deliveries_and_shopify_orders_keep_odoos_reservations_consistent()
    {
        var ct = TestContext.Current.CancellationToken;
        var odoo = await fixture.Infrastructure.CreateOdooDatabaseAsync(ct);
        ShopifyCatalog catalog;
        await using (var connection = new NpgsqlConnection(odoo))
        {
            await connection.OpenAsync(ct);
            catalog = await ShopifyCatalog.FromOdooAsync(connection, ct);
            (await ScalarAsync(connection, OdooInvariants.ReservationMismatches, ct)).Should().Be(0, "the seed keeps Odoo's reservation invariant");
        }

        await using var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { Catalog = catalog }, null, ct);
        foreach (var row in shopify.Inventory().Take(30))
        {
            // Shopify shows stock once the sidecar pushed it; here a few levels are set by hand instead.
            shopify.InjectFaults(new ShopifySimFaults { ConcurrentAdjust = new ConcurrentAdjustFault(row.Sku, row.LocationId, "available", 20) });
        }

        await using var demo = new DemoWorkload(odoo, shopify, changesPerSecond: 1, NullLogger.Instance, seed: 3);
        var (onHand, reserved) = await TotalsAsync(odoo, ct);
        var steps = new Dictionary<DemoStep, int>();
        for (var i = 0; i < 200; i++)
        {
            var step = await demo.StepAsync(ct);
            steps[step] = steps.GetValueOrDefault(step) + 1;
            var (nowOnHand, nowReserved) = await TotalsAsync(odoo, ct);
            switch (step)
            {
                case DemoStep.Receipt:
                    nowOnHand.Should().BeGreaterThan(onHand);
                    nowReserved.Should().Be(reserved);
                    break;
                case DemoStep.Reservation:
                    nowOnHand.Should().Be(onHand);
                    nowReserved.Should().BeGreaterThan(reserved);
                    break;
                case DemoStep.OdooOrder:
                    (nowOnHand, nowReserved).Should().Be((onHand, reserved), "a new order is demand, not yet a reservation");
                    break;
                case DemoStep.Delivery:
                    (onHand - nowOnHand).Should().Be(reserved - nowReserved, "a delivery ships exactly what it had reserved");
                    break;
                default:
                    (nowOnHand, nowReserved).Should().Be((onHand, reserved), "a Shopify order does not reach Odoo until the intake writes it");
                    break;
            }

            (onHand, reserved) = (nowOnHand, nowReserved);
        }

        steps.Keys.Should().Contain([DemoStep.Receipt, DemoStep.OdooOrder, DemoStep.Reservation, DemoStep.Delivery, DemoStep.ShopifyOrder]);
        demo.Counts.ShopifyOrders.Should().Be(shopify.Orders().Count);
        await using (var connection = new NpgsqlConnection(odoo))
        {
            await connection.OpenAsync(ct);
            (await ScalarAsync(connection, OdooInvariants.ReservationMismatches, ct)).Should().Be(0);
            (await ScalarAsync(connection, "SELECT count(*) FROM stock_quant WHERE reserved_quantity > quantity AND quantity >= 0", ct)).Should().Be(0);
        }
    }

    private static async Task<(decimal OnHand, decimal Reserved)> TotalsAsync(string odoo, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(odoo);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT coalesce(sum(quantity), 0), coalesce(sum(reserved_quantity), 0) FROM stock_quant", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetDecimal(0), reader.GetDecimal(1));
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
