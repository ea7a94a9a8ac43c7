using System.Reflection;
using Npgsql;

namespace CdcBridge.DevStack.Odoo;

/// <summary>Installs the Odoo 17 table subset and the CDC publication into an empty database.</summary>
public static class OdooSchema
{
    /// <summary>The publication the capture streams (pgoutput publishes only these tables).</summary>
    public const string PublicationName = "cdcbridge_odoo";

    /// <summary>The Odoo tables CdcBridge captures, in the publication's order.</summary>
    public static readonly IReadOnlyList<string> CapturedTables =
    [
        "stock_quant", "stock_move", "stock_move_line", "stock_picking", "stock_picking_type", "stock_location",
        "stock_warehouse", "stock_lot", "product_product", "product_template", "uom_uom", "sale_order",
        "sale_order_line", "res_partner", "res_company",
    ];

    /// <summary>Capture's own tables, also in the publication: incremental-snapshot signals and heartbeats.</summary>
    public static readonly IReadOnlyList<string> CaptureTables = ["cdcbridge_signal", "cdcbridge_heartbeat"];

    private const string AccountTaxScript = "03-account-tax.sql";

    internal static async Task InstallAsync(NpgsqlConnection connection, CancellationToken ct = default)
    {
        foreach (var script in new[] { "01-odoo17-schema.sql", "02-cdc.sql", AccountTaxScript })
        {
            await RunScriptAsync(connection, script, ct);
        }
    }

    /// <summary>Adds the sale-tax tables to a database installed before they were part of the schema; true when it did.</summary>
    internal static async Task<bool> InstallAccountTaxAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass('public.account_tax') IS NOT NULL", connection);
        if ((bool)(await exists.ExecuteScalarAsync(ct))!)
        {
            return false;
        }

        await RunScriptAsync(connection, AccountTaxScript, ct);
        return true;
    }

    private static async Task RunScriptAsync(NpgsqlConnection connection, string script, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(ReadScript(script), connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>True when the database already holds the schema (the first table of the subset exists).</summary>
    public static async Task<bool> IsInstalledAsync(NpgsqlConnection connection, CancellationToken ct = default)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass('public.stock_quant') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static string ReadScript(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"CdcBridge.DevStack.Odoo.{name}")
            ?? throw new InvalidOperationException($"Embedded script {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
