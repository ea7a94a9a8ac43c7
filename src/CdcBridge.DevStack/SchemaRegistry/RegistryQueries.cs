using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>One version of a subject, with its schema's global id and stored JSON.</summary>
internal sealed record SubjectVersion(string Subject, int Version, int SchemaId, string Schema, bool Deleted);

/// <summary>Where a schema id is used: a subject and one of its versions.</summary>
internal sealed record SubjectVersionRef(string Subject, int Version);

/// <summary>The registry's SQL, one statement per method, on a connection the caller opened (and maybe put in a transaction).</summary>
internal static class RegistryQueries
{
    public const string GlobalScope = "";

    public static async Task<IReadOnlyList<string>> SubjectsAsync(NpgsqlConnection connection, bool includeDeleted, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT subject FROM schema_registry.subject_versions
            WHERE @all OR NOT deleted
            GROUP BY subject ORDER BY subject
            """,
            connection);
        command.Parameters.AddWithValue("all", includeDeleted);
        return await ListAsync(command, r => r.GetString(0), ct);
    }

    /// <summary>The subject's versions, oldest first.</summary>
    public static async Task<IReadOnlyList<SubjectVersion>> VersionsAsync(
        NpgsqlConnection connection, string subject, bool includeDeleted, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT v.version, v.schema_id, s.schema_json, v.deleted
            FROM schema_registry.subject_versions v JOIN schema_registry.schemas s ON s.id = v.schema_id
            WHERE v.subject = @subject AND (@all OR NOT v.deleted)
            ORDER BY v.version
            """,
            connection);
        command.Parameters.AddWithValue("subject", subject);
        command.Parameters.AddWithValue("all", includeDeleted);
        return await ListAsync(command, r => new SubjectVersion(subject, r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetBoolean(3)), ct);
    }

    /// <summary>The schema with this id, while some version (soft-deleted or not) still uses it.</summary>
    public static async Task<string?> SchemaByIdAsync(NpgsqlConnection connection, int id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT s.schema_json FROM schema_registry.schemas s
            WHERE s.id = @id AND EXISTS (SELECT 1 FROM schema_registry.subject_versions v WHERE v.schema_id = s.id)
            """,
            connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public static async Task<IReadOnlyList<SubjectVersionRef>> UsagesAsync(
        NpgsqlConnection connection, int id, bool includeDeleted, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT subject, version FROM schema_registry.subject_versions
            WHERE schema_id = @id AND (@all OR NOT deleted)
            ORDER BY subject, version
            """,
            connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("all", includeDeleted);
        return await ListAsync(command, r => new SubjectVersionRef(r.GetString(0), r.GetInt32(1)), ct);
    }

    /// <summary>The id of this exact schema text, registered now if it never was (call under the writer lock).</summary>
    public static async Task<int> SchemaIdAsync(NpgsqlConnection connection, string schemaJson, long fingerprint, CancellationToken ct)
    {
        var sha256 = SHA256.HashData(Encoding.UTF8.GetBytes(schemaJson));
        await using (var find = new NpgsqlCommand("SELECT id FROM schema_registry.schemas WHERE schema_sha256 = @sha", connection))
        {
            find.Parameters.AddWithValue("sha", sha256);
            if (await find.ExecuteScalarAsync(ct) is int existing)
            {
                return existing;
            }
        }

        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO schema_registry.schemas (id, schema_json, schema_sha256, fingerprint64)
            SELECT coalesce(max(id), 0) + 1, @json, @sha, @fingerprint FROM schema_registry.schemas
            RETURNING id
            """,
            connection);
        insert.Parameters.AddWithValue("json", schemaJson);
        insert.Parameters.AddWithValue("sha", sha256);
        insert.Parameters.AddWithValue("fingerprint", fingerprint);
        return (int)(await insert.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Adds the subject's next version (one past the highest, soft-deleted ones included).</summary>
    public static async Task<int> AddVersionAsync(NpgsqlConnection connection, string subject, int schemaId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO schema_registry.subject_versions (subject, version, schema_id)
            SELECT @subject, coalesce(max(version), 0) + 1, @id FROM schema_registry.subject_versions WHERE subject = @subject
            RETURNING version
            """,
            connection);
        command.Parameters.AddWithValue("subject", subject);
        command.Parameters.AddWithValue("id", schemaId);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Soft-deletes the subject's live versions (or just <paramref name="version"/>); returns those it marked.</summary>
    public static async Task<IReadOnlyList<int>> SoftDeleteAsync(NpgsqlConnection connection, string subject, int? version, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE schema_registry.subject_versions SET deleted = true
            WHERE subject = @subject AND NOT deleted AND (@version::integer IS NULL OR version = @version)
            RETURNING version
            """,
            connection);
        command.Parameters.AddWithValue("subject", subject);
        command.Parameters.AddWithValue("version", (object?)version ?? DBNull.Value);
        return Sorted(await ListAsync(command, r => r.GetInt32(0), ct));
    }

    /// <summary>Removes the subject's soft-deleted versions (or just <paramref name="version"/>); returns those it removed.</summary>
    public static async Task<IReadOnlyList<int>> PermanentDeleteAsync(NpgsqlConnection connection, string subject, int? version, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            DELETE FROM schema_registry.subject_versions
            WHERE subject = @subject AND deleted AND (@version::integer IS NULL OR version = @version)
            RETURNING version
            """,
            connection);
        command.Parameters.AddWithValue("subject", subject);
        command.Parameters.AddWithValue("version", (object?)version ?? DBNull.Value);
        return Sorted(await ListAsync(command, r => r.GetInt32(0), ct));
    }

    /// <summary>The level set for <paramref name="scope"/> (a subject, or <see cref="GlobalScope"/>), if any.</summary>
    public static async Task<CompatibilityLevel?> LevelAsync(NpgsqlConnection connection, string scope, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT compatibility FROM schema_registry.config WHERE subject = @scope", connection);
        command.Parameters.AddWithValue("scope", scope);
        return await command.ExecuteScalarAsync(ct) is string level ? CompatibilityLevels.Parse(level) : null;
    }

    public static async Task SetLevelAsync(NpgsqlConnection connection, string scope, CompatibilityLevel level, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO schema_registry.config (subject, compatibility) VALUES (@scope, @level)
            ON CONFLICT (subject) DO UPDATE SET compatibility = excluded.compatibility
            """,
            connection);
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("level", level.ToWire());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Removes the level set for <paramref name="scope"/>; returns it, or null when none was set.</summary>
    public static async Task<CompatibilityLevel?> DeleteLevelAsync(NpgsqlConnection connection, string scope, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("DELETE FROM schema_registry.config WHERE subject = @scope RETURNING compatibility", connection);
        command.Parameters.AddWithValue("scope", scope);
        return await command.ExecuteScalarAsync(ct) is string level ? CompatibilityLevels.Parse(level) : null;
    }

    private static async Task<IReadOnlyList<T>> ListAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static int[] Sorted(IReadOnlyList<int> versions) => [.. versions.Order()];
}
