using Npgsql;

namespace CdcBridge.Projections;

/// <summary>Runs idempotent DDL (CREATE … IF NOT EXISTS) in its own transaction, serialised by an advisory lock so that
/// runners starting at once do not race on the catalog.</summary>
public static class SchemaInstaller
{
    public static async Task EnsureAsync(NpgsqlConnection connection, long advisoryLock, string ddl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx))
        {
            lockCommand.Parameters.Add(new() { Value = advisoryLock });
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        await using (var command = new NpgsqlCommand(ddl, connection, tx))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }
}
