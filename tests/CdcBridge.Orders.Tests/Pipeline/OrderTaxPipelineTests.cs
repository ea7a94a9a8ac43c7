using System.Net;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Odoo;
using CdcBridge.Orders.Ledger;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.Orders.Tests.Pipeline;

/// <summary>Webhook → ledger → Odoo for a taxed order whose rate Odoo has no tax for: parked with the reason, written once replayed.</summary>
public sealed class OrderTaxPipelineTests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_rate_without_an_odoo_tax_is_parked_naming_it_and_written_once_with_that_tax_when_replayed_after_the_tax_is_created()
    {
        await using var pipeline = await OrderPipeline.StartAsync(fixture);
        var sku = (await pipeline.Odoo.SkusAsync(1, Ct))[0];
        var id = OrderPipeline.NewOrderId();
        var lineId = (id % 1_000_000_000) * 10;

        // 2 × 19.90 at the county's 7.25 % (no such Odoo tax) = 2.8855 → 2.89; the 10.00 shipping at the state's 6 % = 0.60.
        var body = JsonNode.Parse(OrderPipeline.Order(id, [(sku, 2)], DateTimeOffset.UtcNow))!.AsObject();
        body["line_items"]![0]!["tax_lines"] = new JsonArray(Tax("County Tax", 0.0725m, "2.89"));
        body["shipping_lines"]![0]!["tax_lines"] = new JsonArray(Tax("State Tax", 0.06m, "0.60"));
        body["total_tax"] = "3.49";
        (await pipeline.Intake.PostAsync(System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()), Guid.NewGuid().ToString())).Status.Should().Be(HttpStatusCode.OK);

        var parked = await pipeline.LedgerStatusAsync(id, OrderStatus.Parked);
        parked.ParkReason.Should().Contain($"'County Tax' 7.25% on line {lineId}").And.NotContain("State Tax");
        (await pipeline.OdooOrdersAsync(id)).Should().BeEmpty();
        (await pipeline.StagesAsync(id)).Should().Contain(s => s.Stage == "PARKED" && s.ParkReason!.Contains("7.25%"));

        // The merchant creates the tax in Odoo and replays the order (cdcbridge orders replay).
        var county = (await pipeline.Odoo.Client().ExecuteKwAsync("account.tax", "create",
            [new JsonObject { ["name"] = "7.25% County", ["amount"] = 7.25 }], null, Ct))!.GetValue<int>();
        await using (var connection = new NpgsqlConnection(pipeline.Sidecar))
        {
            await connection.OpenAsync(Ct);
            (await ChannelOrderLedger.ReplayAsync(connection, [OrderPipeline.NameOf(id)], DateTime.UtcNow, Ct)).Should().Be(1);
        }

        await pipeline.LedgerStatusAsync(id, OrderStatus.Written);
        var written = (await pipeline.OdooOrdersAsync(id)).Should().ContainSingle().Subject;
        written.State.Should().Be("sale");
        (await pipeline.Odoo.RowsAsync(
            """
            SELECT (SELECT string_agg(r.account_tax_id::text, ',') FROM account_tax_sale_order_line_rel r WHERE r.sale_order_line_id = l.id)
            FROM sale_order_line l WHERE l.order_id = $1 ORDER BY l.id
            """, Ct, written.Id)).Select(r => r[0]).Should().Equal($"{county}", $"{SaleTaxes.Reduced.Id}");
        (await pipeline.Odoo.ScalarAsync<decimal>("SELECT amount_tax FROM sale_order WHERE id = $1", Ct, written.Id)).Should().Be(3.49m);
    }

    private static JsonObject Tax(string title, decimal rate, string price) => new()
    {
        ["channel_liable"] = false,
        ["price"] = price,
        ["price_set"] = new JsonObject
        {
            ["shop_money"] = new JsonObject { ["amount"] = price, ["currency_code"] = "USD" },
            ["presentment_money"] = new JsonObject { ["amount"] = price, ["currency_code"] = "USD" },
        },
        ["rate"] = rate,
        ["title"] = title,
    };
}
