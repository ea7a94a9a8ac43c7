using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

/// <summary>An enum. <see cref="Default"/> is the symbol a reader uses for a writer's symbol it does not know.</summary>
public sealed class EnumSchema : NamedSchema
{
    private readonly Dictionary<string, int> _indexes;

    internal EnumSchema(AvroName name, IReadOnlyList<AvroName>? aliases, string? doc, IReadOnlyList<string> symbols, string? defaultSymbol,
        IReadOnlyList<KeyValuePair<string, JsonNode?>>? properties)
        : base(AvroType.Enum, name, aliases, doc, properties)
    {
        Symbols = symbols;
        Default = defaultSymbol;
        _indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < symbols.Count; i++)
        {
            if (!AvroName.IsValidIdentifier(symbols[i]))
            {
                throw new AvroSchemaException($"Enum {FullName}: '{symbols[i]}' is not a valid symbol.");
            }

            if (!_indexes.TryAdd(symbols[i], i))
            {
                throw new AvroSchemaException($"Enum {FullName} lists the symbol '{symbols[i]}' twice.");
            }
        }

        if (defaultSymbol is not null && !_indexes.ContainsKey(defaultSymbol))
        {
            throw new AvroSchemaException($"Enum {FullName}: the default '{defaultSymbol}' is not one of its symbols.");
        }
    }

    public IReadOnlyList<string> Symbols { get; }

    public string? Default { get; }

    public int IndexOf(string symbol) => _indexes.TryGetValue(symbol, out var i) ? i : -1;
}
