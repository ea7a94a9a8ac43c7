using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

/// <summary>A record field. <see cref="Default"/> is the default as JSON (Avro's JSON encoding of the first union branch).</summary>
public sealed class AvroField
{
    public AvroField(string name, AvroSchema schema, string? doc = null, bool hasDefault = false, JsonNode? defaultValue = null,
        string? order = null, IReadOnlyList<string>? aliases = null, IReadOnlyList<KeyValuePair<string, JsonNode?>>? properties = null)
    {
        if (!AvroName.IsValidIdentifier(name))
        {
            throw new AvroSchemaException($"'{name}' is not a valid field name.");
        }

        Name = name;
        Schema = schema;
        Doc = doc;
        HasDefault = hasDefault;
        Default = defaultValue;
        Order = order;
        Aliases = aliases ?? [];
        Properties = properties ?? [];
    }

    public string Name { get; }

    public AvroSchema Schema { get; }

    public string? Doc { get; }

    public bool HasDefault { get; }

    public JsonNode? Default { get; }

    /// <summary>ascending (the default when null), descending or ignore.</summary>
    public string? Order { get; }

    public IReadOnlyList<string> Aliases { get; }

    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Properties { get; }

    public int Position { get; internal set; }

    public override string ToString() => $"{Name}: {Schema.BranchName}";
}
