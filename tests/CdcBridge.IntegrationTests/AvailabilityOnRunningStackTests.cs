using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace CdcBridge.IntegrationTests;

/// <summary>
/// Issue 5's "done when": with the stack up, +7 on hand on a quant in a mapped location shows as +7 sellable for that
/// SKU in the Shopify simulator's /_sim/inventory, and −7 brings it back.
/// </summary>
public sealed class AvailabilityOnRunningStackTests(RunningStack stack) : IClassFixture<RunningStack>
{
    [Fact]
    public async Task Plus_7_on_hand_in_odoo_shows_as_plus_7_available_in_sim_inventory_and_minus_7_brings_it_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var shopify = stack.Endpoints.Shopify ?? throw new InvalidOperationException("endpoints.json has no shopify entry");
        string sku, warehouse;
        int product, location;
        await using (var odoo = new NpgsqlConnection(stack.Endpoints.Postgres.Odoo))
        {
            await odoo.OpenAsync(ct);
            await using var pick = new NpgsqlCommand(
                """
                SELECT pp.default_code, pp.id, w.lot_stock_id, w.name FROM product_product pp
                JOIN product_template pt ON pt.id = pp.product_tmpl_id, stock_warehouse w
                WHERE pt.type = 'product' AND pp.default_code IS NOT NULL AND w.id = 1 ORDER BY pp.id DESC LIMIT 1
                """, odoo);
            await using var reader = await pick.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (sku, product, location, warehouse) = (reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3));
        }

        using var http = new HttpClient { BaseAddress = new Uri(shopify.Url) };
        async Task<JsonNode> LevelAsync() => (await http.GetFromJsonAsync<JsonArray>($"/_sim/inventory?sku={Uri.EscapeDataString(sku)}", ct))!
            .Single(l => l!["locationName"]!.GetValue<string>() == warehouse)!;

        // The initial push after the snapshot has landed once the level equals what Odoo holds there.
        var before = await EventuallyAsync(LevelAsync, _ => true, ct);
        await ExecuteAsync($"INSERT INTO stock_quant (id, product_id, company_id, location_id, quantity, reserved_quantity, in_date) VALUES (990555, {product}, 1, {location}, 7, 0, now() AT TIME ZONE 'UTC')", ct);
        var plus = await EventuallyAsync(LevelAsync, l => l["onHand"]!.GetValue<long>() >= before["onHand"]!.GetValue<long>() + 7, ct);
        (plus["available"]!.GetValue<long>() - plus["onHand"]!.GetValue<long>()).Should().Be(before["available"]!.GetValue<long>() - before["onHand"]!.GetValue<long>());

        await ExecuteAsync("DELETE FROM stock_quant WHERE id = 990555", ct);
        var back = await EventuallyAsync(LevelAsync, l => l["onHand"]!.GetValue<long>() == plus["onHand"]!.GetValue<long>() - 7, ct);
        back["available"]!.GetValue<long>().Should().Be(plus["available"]!.GetValue<long>() - 7);
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var odoo = new NpgsqlConnection(stack.Endpoints.Postgres.Odoo);
        await odoo.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, odoo);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Polls the simulator until the condition holds (the pipeline is asynchronous; this waits on its result).</summary>
    private static async Task<JsonNode> EventuallyAsync(Func<Task<JsonNode>> read, Func<JsonNode, bool> condition, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The simulator still shows {value.ToJsonString()} after 60 s.");
            }

            await Task.Delay(50, ct);
        }
    }
}
