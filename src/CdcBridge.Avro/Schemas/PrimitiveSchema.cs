using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

/// <summary>null, boolean, int, long, float, double, bytes or string, possibly annotated with a logical type.</summary>
public sealed class PrimitiveSchema : AvroSchema
{
    private static readonly Dictionary<AvroType, PrimitiveSchema> Plain =
        new[] { AvroType.Null, AvroType.Boolean, AvroType.Int, AvroType.Long, AvroType.Float, AvroType.Double, AvroType.Bytes, AvroType.String }
            .ToDictionary(t => t, t => new PrimitiveSchema(t, null));

    internal PrimitiveSchema(AvroType type, IReadOnlyList<KeyValuePair<string, JsonNode?>>? properties)
        : base(type, properties)
    {
        LogicalType = Schemas.LogicalType.For(type, GetStringPropertyFrom(properties, "logicalType"),
            GetIntPropertyFrom(properties, "precision"), GetIntPropertyFrom(properties, "scale"), 0);
    }

    public static PrimitiveSchema Of(AvroType type) => Plain.TryGetValue(type, out var schema)
        ? schema
        : throw new ArgumentOutOfRangeException(nameof(type), type, "Not a primitive type.");

    public static PrimitiveSchema Null => Plain[AvroType.Null];

    public static PrimitiveSchema String => Plain[AvroType.String];

    public static PrimitiveSchema Long => Plain[AvroType.Long];

    public static PrimitiveSchema Int => Plain[AvroType.Int];

    public override string BranchName => Names[Type];

    internal static readonly Dictionary<AvroType, string> Names = new()
    {
        [AvroType.Null] = "null",
        [AvroType.Boolean] = "boolean",
        [AvroType.Int] = "int",
        [AvroType.Long] = "long",
        [AvroType.Float] = "float",
        [AvroType.Double] = "double",
        [AvroType.Bytes] = "bytes",
        [AvroType.String] = "string",
    };

    internal static string? GetStringPropertyFrom(IReadOnlyList<KeyValuePair<string, JsonNode?>>? properties, string name) =>
        properties?.FirstOrDefault(p => p.Key == name).Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    internal static int? GetIntPropertyFrom(IReadOnlyList<KeyValuePair<string, JsonNode?>>? properties, string name) =>
        properties?.FirstOrDefault(p => p.Key == name).Value is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
}
