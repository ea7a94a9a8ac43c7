using Microsoft.Extensions.Logging;
using Npgsql;

namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>
/// The registry's PostgreSQL schema (<c>schema_registry</c>) and its two ways in: plain reads, and writes that run in one
/// transaction holding a transaction-scoped advisory lock, so every registry instance on the database writes in turn.
/// </summary>
internal sealed class RegistryDatabase(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    /// <summary>"SchReg" in ASCII: the advisory lock every registry writer on this database takes.</summary>
    private const long WriterLock = 0x5363_6852_6567;

    private const string Tables = """
        CREATE SCHEMA IF NOT EXISTS schema_registry;

        -- Every schema ever registered, by its global id; rows outlive the versions that use them, so ids stay stable.
        CREATE TABLE IF NOT EXISTS schema_registry.schemas (
            id            integer     PRIMARY KEY CHECK (id > 0),
            schema_type   text        NOT NULL DEFAULT 'AVRO',
            schema_json   text        NOT NULL,
            schema_sha256 bytea       NOT NULL UNIQUE,
            fingerprint64 bigint      NOT NULL,
            created_at    timestamptz NOT NULL DEFAULT now()
        );

        -- Versions of each subject; soft-deleted ones keep their row (deleted = true) until a permanent delete.
        CREATE TABLE IF NOT EXISTS schema_registry.subject_versions (
            subject       text        NOT NULL,
            version       integer     NOT NULL CHECK (version > 0),
            schema_id     integer     NOT NULL REFERENCES schema_registry.schemas (id),
            deleted       boolean     NOT NULL DEFAULT false,
            registered_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (subject, version)
        );
        CREATE UNIQUE INDEX IF NOT EXISTS subject_versions_live_schema
            ON schema_registry.subject_versions (subject, schema_id) WHERE NOT deleted;
        CREATE INDEX IF NOT EXISTS subject_versions_schema_id ON schema_registry.subject_versions (schema_id);

        -- Compatibility levels: subject '' is the global level, any other row a subject-level override.
        CREATE TABLE IF NOT EXISTS schema_registry.config (
            subject       text        PRIMARY KEY,
            compatibility text        NOT NULL
        );
        """;

    public static RegistryDatabase Create(string connectionString, ILoggerFactory loggerFactory)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseLoggerFactory(loggerFactory);
        return new RegistryDatabase(builder.Build());
    }

    public Task EnsureTablesAsync(CancellationToken ct) =>
        WriteAsync(
            async connection =>
            {
                await using var command = new NpgsqlCommand(Tables, connection);
                await command.ExecuteNonQueryAsync(ct);
                return true;
            },
            ct);

    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await read(connection);
    }

    /// <summary>Runs <paramref name="write"/> in a transaction under the writer lock; an exception rolls everything back.</summary>
    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, Task<T>> write, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", WriterLock);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        var result = await write(connection);
        await transaction.CommitAsync(ct);
        return result;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
