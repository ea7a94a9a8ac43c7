using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

/// <summary>A map with string keys.</summary>
public sealed class MapSchema(AvroSchema values, IReadOnlyList<KeyValuePair<string, JsonNode?>>? properties = null)
    : AvroSchema(AvroType.Map, properties)
{
    public AvroSchema Values { get; } = values;

    public override string BranchName => "map";
}
