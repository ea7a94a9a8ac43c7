using Npgsql;

namespace CdcBridge.Testing;

/// <summary>One-off SQL for tests: a scalar or all rows of a query with positional parameters ($1, $2, ...), on a connection of its own.</summary>
public static class SqlQueries
{
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken ct, params object[] args)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = Command(connection, sql, args);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Every row as its column values, DB nulls as null.</summary>
    public static async Task<List<object?[]>> RowsAsync(string connectionString, string sql, CancellationToken ct, params object[] args)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = Command(connection, sql, args);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(ct))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = await reader.IsDBNullAsync(i, ct) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] args)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = arg });
        }

        return command;
    }
}
