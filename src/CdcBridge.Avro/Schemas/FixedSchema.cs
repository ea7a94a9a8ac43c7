using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

/// <summary>A fixed number of bytes, possibly a decimal, uuid or duration.</summary>
public sealed class FixedSchema : NamedSchema
{
    internal FixedSchema(AvroName name, IReadOnlyList<AvroName>? aliases, string? doc, int size,
        IReadOnlyList<KeyValuePair<string, JsonNode?>>? properties)
        : base(AvroType.Fixed, name, aliases, doc, properties)
    {
        if (size < 0)
        {
            throw new AvroSchemaException($"Fixed {FullName} has a negative size.");
        }

        Size = size;
        LogicalType = Schemas.LogicalType.For(AvroType.Fixed, GetStringProperty("logicalType"),
            PrimitiveSchema.GetIntPropertyFrom(properties, "precision"), PrimitiveSchema.GetIntPropertyFrom(properties, "scale"), size);
    }

    public int Size { get; }
}
