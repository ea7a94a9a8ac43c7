using CdcBridge.DevStack.Odoo;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.DevStack.Tests.Odoo;

public sealed class RetailerSeedTests(InfrastructureFixture fixture)
{
    private static readonly string[] SeededTables =
        ["res_partner", "product_template", "product_product", "stock_lot", "stock_quant", "stock_location", "stock_warehouse",
         "sale_order", "sale_order_line", "stock_picking", "stock_move", "stock_move_line"];

    private readonly ITestInfrastructure _infra = fixture.Infrastructure;

    [Fact]
    public async Task The_same_seed_writes_identical_tables_and_another_seed_does_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new SeedOptions { Products = 300, Seed = 11 };
        var first = await SeedAndDigestAsync(options, ct);
        var again = await SeedAndDigestAsync(options, ct);
        var other = await SeedAndDigestAsync(options with { Seed = 12 }, ct);

        again.Should().Equal(first);
        other["stock_quant"].Should().NotBe(first["stock_quant"]);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(250, 2)]
    [InlineData(2_000, 3)]
    public async Task The_size_flags_set_the_number_of_products_and_warehouses(int products, int warehouses)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(await _infra.CreateEmptyDatabaseAsync(ct));
        await connection.OpenAsync(ct);
        var summary = await OdooDatabase.CreateAsync(connection, new SeedOptions { Products = products, Warehouses = warehouses }, ct);

        summary!.Products.Should().Be(products);
        (await ScalarAsync(connection, "SELECT count(*) FROM product_product WHERE default_code IS NOT NULL", ct)).Should().Be(products);
        (await ScalarAsync(connection, "SELECT count(DISTINCT default_code) FROM product_product", ct)).Should().Be(products, "SKUs are unique");
        (await ScalarAsync(connection, "SELECT count(*) FROM stock_warehouse", ct)).Should().Be(warehouses);
    }

    [Fact]
    public async Task The_retailer_has_variants_lots_packages_duplicate_quants_and_orders_in_every_state()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(await _infra.CreateOdooDatabaseAsync(ct));
        await connection.OpenAsync(ct);

        (await ScalarAsync(connection, "SELECT count(*) FROM (SELECT product_tmpl_id FROM product_product GROUP BY 1 HAVING count(*) > 1) t", ct))
            .Should().BePositive("some templates have several variants");
        (await ScalarAsync(connection, "SELECT count(*) FROM stock_quant WHERE lot_id IS NOT NULL", ct)).Should().BePositive();
        (await ScalarAsync(connection, "SELECT count(*) FROM stock_quant WHERE package_id IS NOT NULL", ct)).Should().BePositive();
        (await ScalarAsync(connection,
            "SELECT count(*) FROM (SELECT 1 FROM stock_quant GROUP BY product_id, location_id, lot_id, package_id, owner_id HAVING count(*) > 1) d", ct))
            .Should().BePositive("Odoo leaves duplicate quants of one key until it merges them");
        var states = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT DISTINCT state FROM sale_order", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                states.Add(reader.GetString(0));
            }
        }

        states.Should().Contain(["draft", "sale", "cancel"]);
        (await ScalarAsync(connection, "SELECT count(*) FROM stock_move WHERE state IN ('assigned', 'partially_available')", ct)).Should().BePositive();
        (await ScalarAsync(connection, "SELECT count(*) FROM stock_move WHERE state = 'waiting' AND procure_method = 'make_to_order'", ct))
            .Should().BePositive("the flagship ships in two steps");
    }

    private async Task<Dictionary<string, string>> SeedAndDigestAsync(SeedOptions options, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(await _infra.CreateEmptyDatabaseAsync(ct));
        await connection.OpenAsync(ct);
        await OdooDatabase.CreateAsync(connection, options, ct);
        var digests = new Dictionary<string, string>();
        foreach (var table in SeededTables)
        {
            await using var command = new NpgsqlCommand($"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {table} t", connection);
            digests[table] = (string)(await command.ExecuteScalarAsync(ct))!;
        }

        return digests;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
