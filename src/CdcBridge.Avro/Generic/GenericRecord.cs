using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Generic;

/// <summary>A record's values by field position, typed by the schema (see <see cref="AvroValues"/> for the .NET types).</summary>
public sealed class GenericRecord
{
    private readonly object?[] _values;

    public GenericRecord(RecordSchema schema)
    {
        Schema = schema;
        _values = new object?[schema.Fields.Count];
    }

    public RecordSchema Schema { get; }

    public object? this[int position]
    {
        get => _values[position];
        set => _values[position] = value;
    }

    public object? this[string field]
    {
        get => _values[Position(field)];
        set => _values[Position(field)] = value;
    }

    public bool TryGet(string field, out object? value)
    {
        var f = Schema.GetField(field);
        value = f is null ? null : _values[f.Position];
        return f is not null;
    }

    public override string ToString() => $"{Schema.FullName} {{{string.Join(", ", Schema.Fields.Select(f => $"{f.Name}={_values[f.Position]}"))}}}";

    private int Position(string field) =>
        Schema.GetField(field)?.Position ?? throw new KeyNotFoundException($"Record {Schema.FullName} has no field '{field}'.");
}
