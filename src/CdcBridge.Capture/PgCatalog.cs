using CdcBridge.Debezium.Schema;
using Npgsql;

namespace CdcBridge.Capture;

/// <summary>Reads a table's columns, types, nullability, defaults and primary key from PostgreSQL's catalog.</summary>
public static class PgCatalog
{
    public static async Task<PgTable> ReadTableAsync(NpgsqlConnection connection, string schema, string table, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string columnsSql = """
            SELECT a.attname, t.typname, NOT a.attnotnull, a.atttypmod, pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """;
        var columns = new List<PgColumn>();
        await using (var command = new NpgsqlCommand(columnsSql, connection) { Parameters = { new() { Value = schema }, new() { Value = table } } })
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var type = reader.GetString(1);
                var (precision, scale) = Modifier(type, reader.GetInt32(3));
                var defaultExpression = await reader.IsDBNullAsync(4, ct) ? null : reader.GetString(4);
                columns.Add(new PgColumn(reader.GetString(0), type, reader.GetBoolean(2), precision, scale, defaultExpression));
            }
        }

        if (columns.Count == 0)
        {
            throw new InvalidOperationException($"Table {schema}.{table} does not exist or has no columns.");
        }

        const string keySql = """
            SELECT a.attname
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary
            ORDER BY k.ord
            """;
        var key = new List<string>();
        await using (var command = new NpgsqlCommand(keySql, connection) { Parameters = { new() { Value = schema }, new() { Value = table } } })
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                key.Add(reader.GetString(0));
            }
        }

        return new PgTable(schema, table, columns, key);
    }

    /// <summary>numeric(p,s) keeps ((p &lt;&lt; 16) | s) + 4 in atttypmod; time types keep their fractional digits; -1 means unset.</summary>
    private static (int? Precision, int? Scale) Modifier(string type, int typmod)
    {
        if (typmod < 0)
        {
            return (null, null);
        }

        return type switch
        {
            "numeric" => (((typmod - 4) >> 16) & 0xFFFF, (typmod - 4) & 0xFFFF),
            "timestamp" or "timestamptz" or "time" or "timetz" => (typmod, null),
            "varchar" or "bpchar" => (typmod - 4, null),
            _ => (null, null),
        };
    }
}
