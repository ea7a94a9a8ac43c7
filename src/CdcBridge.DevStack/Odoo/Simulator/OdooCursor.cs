using System.Text.Json.Nodes;
using Npgsql;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// One RPC call's database transaction (REPEATABLE READ, as Odoo's cursors), the calling user and the call's context.
/// Timestamps come from <c>now() AT TIME ZONE 'UTC'</c>: the transaction start, as Odoo's <c>cr.now()</c>.
/// </summary>
internal sealed class OdooCursor(NpgsqlConnection connection, NpgsqlTransaction transaction, int uid, JsonObject context)
{
    /// <summary>Odoo's superuser: what stock rules and procurements run as (<c>with_user(SUPERUSER_ID)</c>).</summary>
    public const int SuperUser = 1;

    public const string Now = "(now() AT TIME ZONE 'UTC')";

    public int Uid { get; } = uid;

    public JsonObject Context { get; } = context;

    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    public bool ContextFlag(string key) => Context[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    public NpgsqlCommand Command(string sql, params object?[] args)
    {
        var command = new NpgsqlCommand(sql, Connection, Transaction);
        foreach (var arg in args)
        {
            command.Parameters.Add(arg is NpgsqlParameter p ? p : new NpgsqlParameter { Value = arg ?? DBNull.Value });
        }

        return command;
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params object?[] args)
    {
        await using var command = Command(sql, args);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken ct, params object?[] args)
    {
        await using var command = Command(sql, args);
        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Rows as arrays of values (DBNull turned into null).</summary>
    public async Task<List<object?[]>> RowsAsync(string sql, CancellationToken ct, params object?[] args)
    {
        await using var command = Command(sql, args);
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

    public async Task<object?[]?> RowAsync(string sql, CancellationToken ct, params object?[] args) =>
        (await RowsAsync(sql, ct, args)).FirstOrDefault();

    public async Task<List<int>> IdsAsync(string sql, CancellationToken ct, params object?[] args) =>
        [.. (await RowsAsync(sql, ct, args)).Select(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture))];

    public async Task SavepointAsync(string name, CancellationToken ct) => await Transaction.SaveAsync(name, ct);

    public async Task RollbackToAsync(string name, CancellationToken ct) => await Transaction.RollbackAsync(name, ct);

    public async Task ReleaseAsync(string name, CancellationToken ct) => await Transaction.ReleaseAsync(name, ct);
}
