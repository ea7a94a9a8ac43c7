using Npgsql;
using NpgsqlTypes;

namespace CdcBridge.Projections;

/// <summary>
/// The runner's tables in the sidecar database (schema <c>projections</c>): the next offset per projector and partition,
/// the epoch each projector was built from, and parked records. Positions only move through
/// <see cref="AdvanceAsync"/>, guarded like Marten's progress rows: <c>UPDATE … WHERE next_offset = @expected</c>.
/// </summary>
internal static class ProjectionStore
{
    private const string Schema = """
        CREATE SCHEMA IF NOT EXISTS projections;
        CREATE TABLE IF NOT EXISTS projections.progress (
            projector text NOT NULL,
            topic text NOT NULL,
            partition int NOT NULL,
            next_offset bigint NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (projector, topic, partition));
        CREATE TABLE IF NOT EXISTS projections.epoch (
            projector text PRIMARY KEY,
            epoch text NOT NULL,
            reset_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS projections.parked (
            id bigserial PRIMARY KEY,
            projector text NOT NULL,
            topic text NOT NULL,
            partition int NOT NULL,
            record_offset bigint NOT NULL,
            record_key bytea,
            record_value bytea,
            reason text NOT NULL,
            parked_at timestamptz NOT NULL DEFAULT now(),
            replayed_at timestamptz);
        """;

    public static async Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // Several runners may start at once: serialise the DDL.
        await SchemaInstaller.EnsureAsync(connection, 727274001, Schema, ct);
    }

    public static async Task<string?> ReadEpochAsync(NpgsqlConnection connection, string projector, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT epoch FROM projections.epoch WHERE projector = $1", connection);
        command.Parameters.Add(new() { Value = projector });
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Forgets positions and parked records of the projector and records the new epoch (caller's transaction).</summary>
    public static async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string projector, string epoch, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM projections.progress WHERE projector = $1") { Parameters = { new() { Value = projector } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM projections.parked WHERE projector = $1") { Parameters = { new() { Value = projector } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            INSERT INTO projections.epoch (projector, epoch) VALUES ($1, $2)
            ON CONFLICT (projector) DO UPDATE SET epoch = excluded.epoch, reset_at = now()
            """)
        { Parameters = { new() { Value = projector }, new() { Value = epoch } } });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The stored next offset of each partition, creating missing rows at 0 (the start of the partition; a broker that
    /// no longer holds offset 0 resets to its earliest). Runs synchronously: it is called from the assignment callback.
    /// </summary>
    public static Dictionary<(string Topic, int Partition), long> ClaimPartitions(
        string connectionString, string projector, IEnumerable<(string Topic, int Partition)> partitions)
    {
        var list = partitions.ToList();
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var insert = new NpgsqlCommand(
            """
            INSERT INTO projections.progress (projector, topic, partition, next_offset)
            SELECT $1, t, p, 0 FROM unnest($2::text[], $3::int[]) AS u(t, p)
            ON CONFLICT DO NOTHING
            """, connection))
        {
            AddPartitions(insert, projector, list);
            insert.ExecuteNonQuery();
        }

        using var command = new NpgsqlCommand(
            """
            SELECT topic, partition, next_offset FROM projections.progress
            WHERE projector = $1 AND (topic, partition) IN (SELECT * FROM unnest($2::text[], $3::int[]))
            """, connection);
        AddPartitions(command, projector, list);
        var result = new Dictionary<(string, int), long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result[(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
        }

        return result;
    }

    private static void AddPartitions(NpgsqlCommand command, string projector, List<(string Topic, int Partition)> list)
    {
        command.Parameters.Add(new() { Value = projector });
        command.Parameters.Add(new() { Value = list.Select(p => p.Topic).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = list.Select(p => p.Partition).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
    }

    /// <summary>
    /// Moves each partition's position from its expected value to its new one, or throws if another writer moved it or
    /// the projection was reset under another epoch since (a rebuild by another instance: <see cref="StaleProjectionWriterException.Rebuilt"/>).
    /// </summary>
    public static async Task AdvanceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string projector, string epoch,
        IReadOnlyList<(string Topic, int Partition, long Expected, long Next)> moves, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            WITH input AS (SELECT * FROM unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[]) AS i(topic, partition, expected, next))
            UPDATE projections.progress p SET next_offset = i.next, updated_at = now()
            FROM input i
            WHERE p.projector = $1 AND p.topic = i.topic AND p.partition = i.partition AND p.next_offset = i.expected
              AND EXISTS (SELECT 1 FROM projections.epoch e WHERE e.projector = $1 AND e.epoch = $6)
            """, connection, tx);
        command.Parameters.Add(new() { Value = projector });
        command.Parameters.Add(new() { Value = moves.Select(m => m.Topic).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = moves.Select(m => m.Partition).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = moves.Select(m => m.Expected).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = moves.Select(m => m.Next).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = epoch });
        var updated = await command.ExecuteNonQueryAsync(ct);
        if (updated != moves.Count && await ReadEpochAsync(connection, projector, ct) is var current && current != epoch)
        {
            throw new StaleProjectionWriterException(
                $"Projector '{projector}' was reset under epoch '{current ?? "(none)"}' since this writer started with '{epoch}': another instance is rebuilding it; the batch is rolled back.")
            { Rebuilt = true };
        }

        if (updated != moves.Count)
        {
            throw new StaleProjectionWriterException(
                $"Projector '{projector}': {moves.Count - updated} of {moves.Count} partition positions were moved by another writer; the batch is rolled back.");
        }
    }

    public static async Task ParkAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string projector,
        IReadOnlyList<ParkedRecord> parked, CancellationToken ct)
    {
        if (parked.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var (record, reason) in parked)
        {
            var command = new NpgsqlBatchCommand(
                """
                INSERT INTO projections.parked (projector, topic, partition, record_offset, record_key, record_value, reason)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """);
            command.Parameters.Add(new() { Value = projector });
            command.Parameters.Add(new() { Value = record.Topic });
            command.Parameters.Add(new() { Value = record.Partition });
            command.Parameters.Add(new() { Value = record.Offset });
            command.Parameters.Add(new() { Value = (object?)record.RawKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
            command.Parameters.Add(new() { Value = (object?)record.RawValue ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
            command.Parameters.Add(new() { Value = reason });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    public static async Task<long> CountParkedAsync(NpgsqlConnection connection, string projector, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM projections.parked WHERE projector = $1 AND replayed_at IS NULL", connection);
        command.Parameters.Add(new() { Value = projector });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
