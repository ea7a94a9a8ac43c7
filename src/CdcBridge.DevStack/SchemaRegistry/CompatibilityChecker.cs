using CdcBridge.Avro.Resolution;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>A registered schema as the compatibility check sees it.</summary>
internal sealed record VersionedSchema(int Version, AvroSchema Schema);

/// <summary>The verdict on a candidate schema, with one message per problem in Confluent's verbose style.</summary>
internal sealed record CompatibilityVerdict(bool IsCompatible, IReadOnlyList<string> Messages)
{
    public static readonly CompatibilityVerdict Compatible = new(true, []);
}

/// <summary>
/// Confluent's rules: BACKWARD — the candidate reads data written with the old schema (<c>CanRead(new, old)</c>); FORWARD —
/// the old schema reads data written with the candidate (<c>CanRead(old, new)</c>); FULL — both; NONE — no check. Plain levels
/// check against the latest version only, <c>*_TRANSITIVE</c> against every one.
/// </summary>
internal static class CompatibilityChecker
{
    /// <param name="previous">The subject's live versions, oldest first.</param>
    public static CompatibilityVerdict Check(CompatibilityLevel level, AvroSchema candidate, IReadOnlyList<VersionedSchema> previous)
    {
        if (level == CompatibilityLevel.None || previous.Count == 0)
        {
            return CompatibilityVerdict.Compatible;
        }

        var targets = level.IsTransitive() ? previous : [previous[^1]];
        var messages = new List<string>();
        foreach (var old in targets.Reverse())
        {
            var problems = new List<string>();
            if (level.ChecksBackward())
            {
                problems.AddRange(SchemaCompatibility.CanRead(candidate, old.Schema).Problems
                    .Select(p => Describe("NEW_SCHEMA_CANNOT_READ_OLD", p)));
            }

            if (level.ChecksForward())
            {
                problems.AddRange(SchemaCompatibility.CanRead(old.Schema, candidate).Problems
                    .Select(p => Describe("OLD_SCHEMA_CANNOT_READ_NEW", p)));
            }

            if (problems.Count > 0)
            {
                messages.AddRange(problems);
                messages.Add($"{{oldSchemaVersion: {old.Version}}}");
                messages.Add($"{{oldSchema: '{old.Schema.ToJson()}'}}");
                messages.Add($"{{compatibility: '{level.ToWire()}'}}");
            }
        }

        return messages.Count == 0 ? CompatibilityVerdict.Compatible : new CompatibilityVerdict(false, messages);
    }

    /// <summary>Checks against one chosen version (the compatibility endpoint with an explicit version).</summary>
    public static CompatibilityVerdict CheckAgainst(CompatibilityLevel level, AvroSchema candidate, VersionedSchema old) =>
        Check(level == CompatibilityLevel.None ? level : NonTransitive(level), candidate, [old]);

    private static CompatibilityLevel NonTransitive(CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.BackwardTransitive => CompatibilityLevel.Backward,
        CompatibilityLevel.ForwardTransitive => CompatibilityLevel.Forward,
        CompatibilityLevel.FullTransitive => CompatibilityLevel.Full,
        _ => level,
    };

    private static string Describe(string errorType, string problem) => $"{{errorType:'{errorType}', description:'{problem}'}}";
}
