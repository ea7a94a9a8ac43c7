using CdcBridge.DevStack.Odoo;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.DevStack.Tests.Odoo;

public sealed class OdooSchemaTests(InfrastructureFixture fixture)
{
    private readonly ITestInfrastructure _infra = fixture.Infrastructure;

    public static TheoryData<string> Tables => [.. Odoo17Columns.ByTable.Keys];

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task Table_has_exactly_odoo17s_columns_types_and_not_nulls(string table)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await OpenOdooAsync(ct);
        var actual = new HashSet<(string, string, bool)>();
        await using (var command = new NpgsqlCommand(
            "SELECT column_name, udt_name, is_nullable = 'NO' FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
            connection)
        { Parameters = { new() { Value = table } } })
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                actual.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
            }
        }

        actual.Should().BeEquivalentTo(Odoo17Columns.Expected(table));
    }

    [Theory]
    [InlineData("stock_quant", "product_id", "product_product", "r")]
    [InlineData("stock_quant", "location_id", "stock_location", "r")]
    [InlineData("stock_quant", "lot_id", "stock_lot", "r")]
    [InlineData("stock_quant", "package_id", "stock_quant_package", "r")]
    [InlineData("stock_quant", "owner_id", "res_partner", "n")]
    [InlineData("stock_move_line", "move_id", "stock_move", "n")]
    [InlineData("stock_move_line", "product_id", "product_product", "c")]
    [InlineData("stock_move", "sale_line_id", "sale_order_line", "n")]
    [InlineData("stock_location", "location_id", "stock_location", "c")]
    [InlineData("product_product", "product_tmpl_id", "product_template", "c")]
    [InlineData("sale_order_line", "order_id", "sale_order", "c")]
    [InlineData("sale_order", "partner_id", "res_partner", "r")]
    [InlineData("stock_quant", "create_uid", "res_users", "n")]
    [InlineData("account_tax", "company_id", "res_company", "r")]
    [InlineData("account_tax_sale_order_line_rel", "sale_order_line_id", "sale_order_line", "c")]
    [InlineData("account_tax_sale_order_line_rel", "account_tax_id", "account_tax", "c")]
    [InlineData("product_taxes_rel", "prod_id", "product_template", "c")]
    [InlineData("product_taxes_rel", "tax_id", "account_tax", "c")]
    public async Task Many2one_columns_are_foreign_keys_named_and_cascading_like_odoos(string table, string column, string target, string onDelete)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await OpenOdooAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT c.conname, c.confrelid::regclass::text, c.confdeltype::text
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.conrelid = $1::regclass AND a.attname = $2
            """, connection)
        { Parameters = { new() { Value = table }, new() { Value = column } } };
        await using var reader = await command.ExecuteReaderAsync(ct);
        (await reader.ReadAsync(ct)).Should().BeTrue($"{table}.{column} has a foreign key");
        reader.GetString(0).Should().Be($"{table}_{column}_fkey");
        reader.GetString(1).Should().Be(target);
        reader.GetString(2).Should().Be(onDelete, "r = RESTRICT (required), n = SET NULL (default), c = CASCADE");
    }

    [Fact]
    public async Task The_publication_covers_exactly_the_captured_tables_and_moving_rows_carry_their_full_old_image()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await OpenOdooAsync(ct);
        var published = await ListAsync(connection, $"SELECT tablename FROM pg_publication_tables WHERE pubname = '{OdooSchema.PublicationName}'", ct);
        published.Should().BeEquivalentTo(OdooSchema.CapturedTables.Concat(OdooSchema.CaptureTables));

        var full = await ListAsync(connection, "SELECT relname FROM pg_class WHERE relkind = 'r' AND relreplident = 'f'", ct);
        full.Should().Contain(["stock_quant", "stock_move", "stock_move_line", "sale_order", "sale_order_line"]);
    }

    [Fact]
    public async Task Every_foreign_key_of_the_seeded_retailer_holds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await OpenOdooAsync(ct);
        var constraints = new List<(string Table, string Column, string Target)>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text
            FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f'
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                constraints.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        constraints.Should().HaveCountGreaterThan(100);
        var broken = new List<string>();
        foreach (var (table, column, target) in constraints)
        {
            await using var check = new NpgsqlCommand(
                $"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {target} x WHERE x.id = t.{column})", connection);
            if ((long)(await check.ExecuteScalarAsync(ct))! > 0)
            {
                broken.Add($"{table}.{column} -> {target}");
            }
        }

        broken.Should().BeEmpty();
    }

    [Fact]
    public async Task Quant_reservations_equal_the_open_move_lines_that_reserve_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await OpenOdooAsync(ct);
        // Odoo 17: a reservation is a move line's quantity on a move not yet done, mirrored in stock_quant.reserved_quantity,
        // per (product, location, lot, package, owner); duplicate quants of one key share it.
        await using var command = new NpgsqlCommand(
            """
            WITH q AS (SELECT product_id p, location_id loc, coalesce(lot_id, 0) lot, coalesce(package_id, 0) pkg,
                              coalesce(owner_id, 0) o, sum(reserved_quantity) r
                       FROM stock_quant GROUP BY 1, 2, 3, 4, 5),
                 reserving AS (SELECT ml.product_id p, ml.location_id loc, coalesce(ml.lot_id, 0) lot, coalesce(ml.package_id, 0) pkg,
                              coalesce(ml.owner_id, 0) o, sum(ml.quantity) r
                       FROM stock_move_line ml JOIN stock_move m ON m.id = ml.move_id
                       WHERE m.state NOT IN ('done', 'cancel') GROUP BY 1, 2, 3, 4, 5)
            SELECT count(*) FILTER (WHERE coalesce(q.r, 0) <> coalesce(reserving.r, 0)), coalesce(sum(reserving.r), 0)
            FROM q FULL JOIN reserving USING (p, loc, lot, pkg, o)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        reader.GetInt64(0).Should().Be(0, "every quant key's reservation matches its move lines");
        reader.GetDecimal(1).Should().BePositive("the seed has reserved stock");
    }

    [Fact]
    public async Task Each_warehouse_has_odoos_location_tree_with_consistent_parent_paths()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await OpenOdooAsync(ct);
        var names = await ListAsync(connection,
            "SELECT w.code || ':' || l.name FROM stock_location l JOIN stock_warehouse w ON w.id = l.warehouse_id WHERE l.location_id = w.view_location_id", ct);
        foreach (var code in new[] { "WH", "ATL", "EU" })
        {
            names.Should().Contain([$"{code}:Stock", $"{code}:Input", $"{code}:Quality Control", $"{code}:Output", $"{code}:Packing Zone"]);
        }

        var usages = await ListAsync(connection, "SELECT DISTINCT usage FROM stock_location", ct);
        usages.Should().BeEquivalentTo(["view", "internal", "supplier", "customer", "inventory", "production", "transit"]);

        var badPaths = await ListAsync(connection,
            """
            SELECT c.complete_name FROM stock_location c LEFT JOIN stock_location p ON p.id = c.location_id
            WHERE c.parent_path <> coalesce(p.parent_path, '') || c.id || '/'
            """, ct);
        badPaths.Should().BeEmpty();
    }

    private async Task<NpgsqlConnection> OpenOdooAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(await _infra.CreateOdooDatabaseAsync(ct));
        await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        var values = new List<string>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
