using System.Globalization;
using CdcBridge.DevStack.Odoo;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.DevStack.Tests.Odoo;

/// <summary>The seeded taxes, and the same taxes added to an Odoo database kept from before the schema had them (cdcbridge dev without --reset).</summary>
public sealed class SaleTaxesTests(InfrastructureFixture fixture)
{
    private readonly ITestInfrastructure _infra = fixture.Infrastructure;

    [Fact]
    public async Task A_database_kept_from_before_taxes_gets_the_tables_and_the_seeded_taxes_once_and_keeps_an_operators_own()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(await _infra.CreateEmptyDatabaseAsync(ct));
        await connection.OpenAsync(ct);
        await OdooDatabase.CreateAsync(connection, new SeedOptions { Products = 5, Warehouses = 1 }, ct);
        await ExecuteAsync(connection, "DROP TABLE account_tax_sale_order_line_rel, product_taxes_rel, account_tax", ct);

        await SaleTaxes.InstallAsync(connection, ct);

        (await RowsAsync(connection, "SELECT id, name->>'en_US', type_tax_use, amount, price_include FROM account_tax ORDER BY id", ct))
            .Should().Equal(SaleTaxes.Seeded.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Id} {t.Name} {t.TypeTaxUse} {t.Amount:0.####} {t.PriceInclude}")));
        (await RowsAsync(connection, "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = 'account_tax_sale_order_line_rel'::regclass ORDER BY 1", ct))
            .Should().Equal("account_tax_sale_order_line_rel_account_tax_id_fkey", "account_tax_sale_order_line_rel_sale_order_line_id_fkey");

        // The operator's taxes are theirs: a second start adds nothing, and new taxes get ids after the seeded ones.
        await ExecuteAsync(connection, "DELETE FROM account_tax WHERE id = 5", ct);
        await SaleTaxes.InstallAsync(connection, ct);
        (await RowsAsync(connection, "SELECT count(*) FROM account_tax", ct)).Should().Equal("4");
        (await RowsAsync(connection,
            "INSERT INTO account_tax (name, type_tax_use, amount_type, company_id, sequence, amount, tax_group_id, country_id) "
            + "VALUES ('{\"en_US\": \"8%\"}', 'sale', 'percent', 1, 1, 8, 1, 233) RETURNING id > 5", ct)).Should().Equal("True");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Each row's values joined by spaces, as invariant text.</summary>
    private static async Task<List<string>> RowsAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        var rows = new List<string>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(string.Join(' ', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}
