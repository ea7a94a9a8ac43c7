using Npgsql;
using NpgsqlTypes;

namespace CdcBridge.DevStack.Odoo;

/// <summary>Bulk-loads rows with binary COPY, typing each column from the table's own catalog entry.</summary>
internal static class CopyWriter
{
    public static async Task WriteAsync(NpgsqlConnection connection, string table, IReadOnlyList<string> columns,
        IEnumerable<object?[]> rows, CancellationToken ct)
    {
        var types = await ColumnTypesAsync(connection, table, columns, ct);
        var sql = $"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)";
        await using (var importer = await connection.BeginBinaryImportAsync(sql, ct))
        {
            await WriteRowsAsync(importer, types, rows, ct);
            await importer.CompleteAsync(ct);
        }

        // Rows carry explicit ids; move the serial past them so later inserts (the simulators, tests) do not collide.
        await using var setval = new NpgsqlCommand(
            $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT max(id) FROM {table}), 1))", connection);
        await setval.ExecuteNonQueryAsync(ct);
    }

    private static async Task WriteRowsAsync(NpgsqlBinaryImporter importer, NpgsqlDbType[] types, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            for (var i = 0; i < types.Length; i++)
            {
                if (row[i] is null)
                {
                    await importer.WriteNullAsync(ct);
                }
                else
                {
                    await importer.WriteAsync(row[i], types[i], ct);
                }
            }
        }
    }

    private static async Task<NpgsqlDbType[]> ColumnTypesAsync(NpgsqlConnection connection, string table, IReadOnlyList<string> columns, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1", connection)
        {
            Parameters = { new() { Value = table } },
        };
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                byName[reader.GetString(0)] = reader.GetString(1);
            }
        }

        return columns.Select(c => byName.TryGetValue(c, out var udt)
            ? udt switch
            {
                "int4" => NpgsqlDbType.Integer,
                "numeric" => NpgsqlDbType.Numeric,
                "float8" => NpgsqlDbType.Double,
                "varchar" => NpgsqlDbType.Varchar,
                "text" => NpgsqlDbType.Text,
                "timestamp" => NpgsqlDbType.Timestamp,
                "date" => NpgsqlDbType.Date,
                "bool" => NpgsqlDbType.Boolean,
                "jsonb" => NpgsqlDbType.Jsonb,
                _ => throw new NotSupportedException($"{table}.{c} has type {udt}, which the seed does not write."),
            }
            : throw new InvalidOperationException($"{table} has no column {c}.")).ToArray();
    }
}
