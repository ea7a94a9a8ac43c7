using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

/// <summary>A record (or an error, which the binary format treats alike).</summary>
public sealed class RecordSchema : NamedSchema
{
    private IReadOnlyList<AvroField> _fields = [];
    private Dictionary<string, AvroField> _byName = [];

    internal RecordSchema(AvroName name, IReadOnlyList<AvroName>? aliases, string? doc, bool isError,
        IReadOnlyList<KeyValuePair<string, JsonNode?>>? properties)
        : base(AvroType.Record, name, aliases, doc, properties) => IsError = isError;

    /// <summary>Builds a record in code (fields are positioned in the order given).</summary>
    public static RecordSchema Create(string fullName, IEnumerable<AvroField> fields, string? doc = null)
    {
        var record = new RecordSchema(AvroName.Resolve(fullName, null), null, doc, false, null);
        record.SetFields([.. fields]);
        return record;
    }

    public bool IsError { get; }

    public IReadOnlyList<AvroField> Fields => _fields;

    public AvroField? GetField(string name) => _byName.GetValueOrDefault(name);

    // Fields are set after the record's name is registered, so that fields can refer to the record (recursion).
    internal void SetFields(IReadOnlyList<AvroField> fields)
    {
        var byName = new Dictionary<string, AvroField>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            fields[i].Position = i;
            if (!byName.TryAdd(fields[i].Name, fields[i]))
            {
                throw new AvroSchemaException($"Record {FullName} has two fields named '{fields[i].Name}'.");
            }
        }

        _fields = fields;
        _byName = byName;
    }
}
