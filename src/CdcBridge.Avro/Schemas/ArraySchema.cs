using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

public sealed class ArraySchema(AvroSchema items, IReadOnlyList<KeyValuePair<string, JsonNode?>>? properties = null)
    : AvroSchema(AvroType.Array, properties)
{
    public AvroSchema Items { get; } = items;

    public override string BranchName => "array";
}
