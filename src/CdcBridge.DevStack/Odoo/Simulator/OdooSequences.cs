using System.Globalization;
using Npgsql;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// Document numbers as Odoo's "standard" ir.sequence gives them: a PostgreSQL sequence per numbering (non-transactional,
/// so concurrent orders never share a name, gaps allowed): <c>S00042</c> for sale orders, <c>WH/OUT/00012</c> per
/// picking type. The sequences start after the highest number the database already holds.
/// </summary>
internal static class OdooSequences
{
    public const string SaleOrder = "ir_sequence_sale_order";

    public static string PickingType(int id) => "ir_sequence_stock_picking_type_" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Creates the sequences (idempotent) and moves each past the numbers already used.</summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var sql = new List<string>
        {
            Ensure(SaleOrder, "SELECT max(substring(name FROM '^S(\\d+)$')::bigint) FROM sale_order"),
        };
        await using (var types = new NpgsqlCommand(
            "SELECT t.id, coalesce(w.code || '/', '') || t.sequence_code || '/' FROM stock_picking_type t LEFT JOIN stock_warehouse w ON w.id = t.warehouse_id", connection))
        await using (var reader = await types.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var prefix = reader.GetString(1).Replace("'", "''", StringComparison.Ordinal);
                sql.Add(Ensure(PickingType(reader.GetInt32(0)),
                    $"SELECT max(substring(name FROM length('{prefix}') + 1)::bigint) FROM stock_picking WHERE name LIKE '{prefix}%' AND substring(name FROM length('{prefix}') + 1) ~ '^\\d+$'"));
            }
        }

        await using var command = new NpgsqlCommand(string.Join(";\n", sql), connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string Ensure(string sequence, string highest) =>
        $"CREATE SEQUENCE IF NOT EXISTS {sequence};\n"
        + $"SELECT setval('{sequence}', greatest(coalesce(({highest}), 0), (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence})) + 1, false)";

    public static async Task<long> NextAsync(OdooCursor cr, string sequence, CancellationToken ct) =>
        await cr.ScalarAsync<long>($"SELECT nextval('{sequence}')", ct);
}
