using System.Collections.Concurrent;
using CdcBridge.Avro.Schemas;
using Npgsql;

namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>
/// The registry's rules over its tables: global ids by schema text, per-subject versions, soft and permanent deletes, and
/// compatibility levels. Failures are <see cref="RegistryException"/>s carrying Confluent's error codes.
/// </summary>
internal sealed class SchemaRegistryService(RegistryDatabase database)
{
    private readonly ConcurrentDictionary<int, AvroSchema> _parsed = new();

    public Task<IReadOnlyList<string>> SubjectsAsync(bool includeDeleted, CancellationToken ct) =>
        database.ReadAsync(c => RegistryQueries.SubjectsAsync(c, includeDeleted, ct), ct);

    public async Task<IReadOnlyList<int>> VersionNumbersAsync(string subject, bool includeDeleted, CancellationToken ct)
    {
        var versions = await database.ReadAsync(c => RegistryQueries.VersionsAsync(c, subject, includeDeleted, ct), ct);
        return versions.Count == 0 ? throw RegistryException.SubjectNotFound(subject) : [.. versions.Select(v => v.Version)];
    }

    public async Task<SubjectVersion> VersionAsync(string subject, VersionSelector selector, bool includeDeleted, CancellationToken ct)
    {
        var versions = await database.ReadAsync(c => RegistryQueries.VersionsAsync(c, subject, includeDeleted, ct), ct);
        return Pick(subject, versions, selector);
    }

    /// <summary>
    /// Registers <paramref name="schema"/> under <paramref name="subject"/>: the id it already has there when it is a live
    /// version, else a new version (with the schema's global id, new or existing) once the subject's level accepts it.
    /// </summary>
    public Task<int> RegisterAsync(string subject, AvroSchema schema, CancellationToken ct) =>
        database.WriteAsync(
            async connection =>
            {
                var json = schema.ToJson();
                var live = await RegistryQueries.VersionsAsync(connection, subject, includeDeleted: false, ct);
                if (live.FirstOrDefault(v => v.Schema == json) is { } existing)
                {
                    return existing.SchemaId;
                }

                var level = await EffectiveLevelAsync(connection, subject, ct);
                var verdict = CompatibilityChecker.Check(level, schema, [.. live.Select(Parsed)]);
                if (!verdict.IsCompatible)
                {
                    throw RegistryException.Incompatible(subject, $"[{string.Join(", ", verdict.Messages)}]");
                }

                var id = await RegistryQueries.SchemaIdAsync(connection, json, schema.Fingerprint64, ct);
                await RegistryQueries.AddVersionAsync(connection, subject, id, ct);
                _parsed.TryAdd(id, schema);
                return id;
            },
            ct);

    /// <summary>The version of <paramref name="subject"/> holding <paramref name="schema"/> (the newest, if several).</summary>
    public async Task<SubjectVersion> LookupAsync(string subject, AvroSchema schema, bool includeDeleted, CancellationToken ct)
    {
        var versions = await database.ReadAsync(c => RegistryQueries.VersionsAsync(c, subject, includeDeleted, ct), ct);
        if (versions.Count == 0)
        {
            throw RegistryException.SubjectNotFound(subject);
        }

        var json = schema.ToJson();
        return versions.LastOrDefault(v => v.Schema == json) ?? throw RegistryException.SchemaNotFound();
    }

    public async Task<string> SchemaByIdAsync(int id, CancellationToken ct) =>
        await database.ReadAsync(c => RegistryQueries.SchemaByIdAsync(c, id, ct), ct) ?? throw RegistryException.SchemaNotFound();

    public async Task<IReadOnlyList<SubjectVersionRef>> UsagesAsync(int id, bool includeDeleted, CancellationToken ct)
    {
        var usages = await database.ReadAsync(c => RegistryQueries.UsagesAsync(c, id, includeDeleted, ct), ct);
        return usages.Count == 0 ? throw RegistryException.SchemaNotFound() : usages;
    }

    /// <summary>Soft-deletes every live version, or (<paramref name="permanent"/>) removes a soft-deleted subject for good.</summary>
    public Task<IReadOnlyList<int>> DeleteSubjectAsync(string subject, bool permanent, CancellationToken ct) =>
        database.WriteAsync(
            async connection =>
            {
                var all = await RegistryQueries.VersionsAsync(connection, subject, includeDeleted: true, ct);
                if (all.Count == 0)
                {
                    throw RegistryException.SubjectNotFound(subject);
                }

                var anyLive = all.Any(v => !v.Deleted);
                if (!permanent)
                {
                    return anyLive
                        ? await RegistryQueries.SoftDeleteAsync(connection, subject, version: null, ct)
                        : throw RegistryException.SubjectSoftDeleted(subject);
                }

                if (anyLive)
                {
                    throw RegistryException.SubjectNotSoftDeleted(subject);
                }

                await RegistryQueries.DeleteLevelAsync(connection, subject, ct);
                return await RegistryQueries.PermanentDeleteAsync(connection, subject, version: null, ct);
            },
            ct);

    /// <summary>Soft-deletes one live version, or (<paramref name="permanent"/>) removes a soft-deleted one for good.</summary>
    public Task<int> DeleteVersionAsync(string subject, VersionSelector selector, bool permanent, CancellationToken ct) =>
        database.WriteAsync(
            async connection =>
            {
                var all = await RegistryQueries.VersionsAsync(connection, subject, includeDeleted: true, ct);
                if (all.Count == 0 || (!permanent && all.All(v => v.Deleted)))
                {
                    throw RegistryException.SubjectNotFound(subject);
                }

                // "latest" is the newest live version for a soft delete, the newest of all for a permanent one.
                IReadOnlyList<SubjectVersion> pool = permanent || !selector.IsLatest ? all : [.. all.Where(v => !v.Deleted)];
                var target = selector.Pick(pool) ?? throw RegistryException.VersionNotFound(selector.Number ?? 0);
                if (permanent)
                {
                    if (!target.Deleted)
                    {
                        throw RegistryException.VersionNotSoftDeleted(subject, target.Version);
                    }

                    await RegistryQueries.PermanentDeleteAsync(connection, subject, target.Version, ct);
                }
                else
                {
                    if (target.Deleted)
                    {
                        throw RegistryException.VersionSoftDeleted(subject, target.Version);
                    }

                    await RegistryQueries.SoftDeleteAsync(connection, subject, target.Version, ct);
                }

                return target.Version;
            },
            ct);

    /// <summary>
    /// Would <paramref name="schema"/> be accepted? Against one chosen version, or (<paramref name="selector"/> null) against
    /// the versions registration checks.
    /// </summary>
    public async Task<CompatibilityVerdict> TestCompatibilityAsync(
        string subject, VersionSelector? selector, AvroSchema schema, CancellationToken ct)
    {
        var (level, live) = await database.ReadAsync(
            async c => (await EffectiveLevelAsync(c, subject, ct), await RegistryQueries.VersionsAsync(c, subject, includeDeleted: false, ct)),
            ct);
        if (selector is not { } chosen)
        {
            return CompatibilityChecker.Check(level, schema, [.. live.Select(Parsed)]);
        }

        var target = Pick(subject, live, chosen);
        return chosen.IsLatest
            ? CompatibilityChecker.Check(level, schema, [.. live.Select(Parsed)])
            : CompatibilityChecker.CheckAgainst(level, schema, Parsed(target));
    }

    public async Task<CompatibilityLevel> GlobalLevelAsync(CancellationToken ct) =>
        await database.ReadAsync(c => RegistryQueries.LevelAsync(c, RegistryQueries.GlobalScope, ct), ct) ?? CompatibilityLevels.Default;

    public Task SetLevelAsync(string? subject, CompatibilityLevel level, CancellationToken ct) =>
        database.WriteAsync(
            async c =>
            {
                await RegistryQueries.SetLevelAsync(c, subject ?? RegistryQueries.GlobalScope, level, ct);
                return level;
            },
            ct);

    public async Task<CompatibilityLevel> SubjectLevelAsync(string subject, bool defaultToGlobal, CancellationToken ct)
    {
        var level = await database.ReadAsync(
            async c => await RegistryQueries.LevelAsync(c, subject, ct)
                ?? (defaultToGlobal ? await RegistryQueries.LevelAsync(c, RegistryQueries.GlobalScope, ct) ?? CompatibilityLevels.Default : null),
            ct);
        return level ?? throw RegistryException.SubjectLevelConfigNotFound(subject);
    }

    /// <summary>Removes the subject-level override; returns what it was.</summary>
    public Task<CompatibilityLevel> DeleteSubjectLevelAsync(string subject, CancellationToken ct) =>
        database.WriteAsync(
            async c =>
            {
                if (await RegistryQueries.DeleteLevelAsync(c, subject, ct) is { } removed)
                {
                    return removed;
                }

                var known = (await RegistryQueries.VersionsAsync(c, subject, includeDeleted: true, ct)).Count > 0;
                throw known ? RegistryException.SubjectLevelConfigNotFound(subject) : RegistryException.SubjectNotFound(subject);
            },
            ct);

    private static SubjectVersion Pick(string subject, IReadOnlyList<SubjectVersion> versions, VersionSelector selector)
    {
        if (versions.Count == 0)
        {
            throw RegistryException.SubjectNotFound(subject);
        }

        return selector.Pick(versions) ?? throw RegistryException.VersionNotFound(selector.Number ?? 0);
    }

    private static async Task<CompatibilityLevel> EffectiveLevelAsync(NpgsqlConnection connection, string subject, CancellationToken ct) =>
        await RegistryQueries.LevelAsync(connection, subject, ct)
        ?? await RegistryQueries.LevelAsync(connection, RegistryQueries.GlobalScope, ct)
        ?? CompatibilityLevels.Default;

    private VersionedSchema Parsed(SubjectVersion version) =>
        new(version.Version, _parsed.GetOrAdd(version.SchemaId, _ => AvroSchema.Parse(version.Schema)));
}
