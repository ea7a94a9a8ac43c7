using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

/// <summary>
/// An Avro schema (specification 1.11). Attributes the specification does not define (Kafka Connect's
/// <c>connect.name</c>, <c>connect.parameters</c>, <c>connect.default</c>, ...) and logical-type attributes are kept in
/// <see cref="Properties"/>, in their original order, and written back by <see cref="ToJson"/>.
/// </summary>
public abstract class AvroSchema
{
    private string? _json;
    private string? _canonical;
    private long? _fingerprint;

    private protected AvroSchema(AvroType type, IReadOnlyList<KeyValuePair<string, JsonNode?>>? properties)
    {
        Type = type;
        Properties = properties ?? [];
    }

    public AvroType Type { get; }

    /// <summary>Attributes beyond the structural ones, in their original order.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Properties { get; }

    /// <summary>The logical type this schema carries, when known and valid for its base type.</summary>
    public LogicalType? LogicalType { get; private protected init; }

    /// <summary>The name a union uses for this branch: the full name of a named type, otherwise the type's name.</summary>
    public abstract string BranchName { get; }

    public static AvroSchema Parse(string json) => AvroSchemaParser.Parse(json);

    /// <summary>The schema as compact JSON with every attribute it was parsed with.</summary>
    public string ToJson() => _json ??= AvroSchemaWriter.Write(this, canonical: false);

    /// <summary>Avro's Parsing Canonical Form: what two schemas must share to read each other's data without resolution.</summary>
    public string ToCanonicalForm() => _canonical ??= AvroSchemaWriter.Write(this, canonical: true);

    /// <summary>The CRC-64-AVRO (Rabin) fingerprint of the canonical form, as Java's <c>SchemaNormalization.parsingFingerprint64</c>.</summary>
    public long Fingerprint64 => _fingerprint ??= RabinFingerprint.Of(ToCanonicalForm());

    public JsonNode? GetProperty(string name) => Properties.FirstOrDefault(p => p.Key == name).Value;

    public string? GetStringProperty(string name) => GetProperty(name) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public override string ToString() => ToJson();
}
