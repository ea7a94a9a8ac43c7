using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

/// <summary>A record, enum or fixed: it has a full name, aliases and documentation.</summary>
public abstract class NamedSchema : AvroSchema
{
    private protected NamedSchema(AvroType type, AvroName name, IReadOnlyList<AvroName>? aliases, string? doc,
        IReadOnlyList<KeyValuePair<string, JsonNode?>>? properties)
        : base(type, properties)
    {
        Name = name;
        Aliases = aliases ?? [];
        Doc = doc;
    }

    public AvroName Name { get; }

    public string FullName => Name.FullName;

    public IReadOnlyList<AvroName> Aliases { get; }

    public string? Doc { get; }

    public override string BranchName => FullName;

    /// <summary>Whether a writer's named type may be read as this one: same unqualified name, or one of our aliases.</summary>
    public bool MatchesWriterName(NamedSchema writer) =>
        writer.Name.Name == Name.Name || Aliases.Any(a => a.FullName == writer.FullName || a.Name == writer.Name.Name);
}
