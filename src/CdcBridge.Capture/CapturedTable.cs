using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;
using CdcBridge.Debezium;
using CdcBridge.Debezium.Schema;
using Confluent.Kafka;

namespace CdcBridge.Capture;

/// <summary>
/// One captured table: its catalog description, its Debezium key/value/envelope schemas and their serializers, and
/// how to turn a row's column texts into the envelope's records. Rebuilt when the table's columns change.
/// </summary>
internal sealed class CapturedTable
{
    private readonly CaptureSettings _settings;
    private readonly RecordSchema _row;
    private readonly RecordSchema? _keyRecord;
    private readonly AvroSerializer _valueSerializer;
    private readonly AvroSerializer? _keySerializer;

    public CapturedTable(PgTable table, CaptureSettings settings, ISchemaRegistryClient registry)
    {
        Table = table;
        _settings = settings;
        Topic = settings.TopicFor(table.Schema, table.Name);
        Envelope = (RecordSchema)DebeziumSchemas.Envelope(settings, table);
        _row = (RecordSchema)((UnionSchema)Envelope.GetField("before")!.Schema).Branches[1];
        Source = (RecordSchema)Envelope.GetField("source")!.Schema;
        _keyRecord = (RecordSchema?)DebeziumSchemas.Key(settings, table);
        _valueSerializer = new AvroSerializer(registry, Envelope);
        _keySerializer = _keyRecord is null ? null : new AvroSerializer(registry, _keyRecord);
    }

    public PgTable Table { get; }

    public string Topic { get; }

    public RecordSchema Envelope { get; }

    public RecordSchema Source { get; }

    /// <summary>The row record from column texts (in the table's column order).</summary>
    public GenericRecord Row(IReadOnlyList<string?> texts, Func<int, bool>? isUnchangedToast = null)
    {
        var row = new GenericRecord(_row);
        for (var i = 0; i < Table.Columns.Count; i++)
        {
            var field = _row.Fields[i];
            row[i] = isUnchangedToast?.Invoke(i) == true
                ? ToastPlaceholder(field.Schema)
                : PgTextValues.Convert(Table.Columns[i], texts[i], _settings, field.Schema);
        }

        return row;
    }

    /// <summary>The key record (primary key columns) of a row, or null for a table without a primary key.</summary>
    public GenericRecord? Key(GenericRecord row)
    {
        if (_keyRecord is null)
        {
            return null;
        }

        var key = new GenericRecord(_keyRecord);
        foreach (var field in _keyRecord.Fields)
        {
            key[field.Position] = row[field.Name];
        }

        return key;
    }

    public Task<byte[]> SerializeValueAsync(GenericRecord envelope) =>
        _valueSerializer.SerializeAsync(envelope, new SerializationContext(MessageComponentType.Value, Topic));

    public async Task<byte[]?> SerializeKeyAsync(GenericRecord? key) => key is null || _keySerializer is null
        ? null
        : await _keySerializer.SerializeAsync(key, new SerializationContext(MessageComponentType.Key, Topic));

    /// <summary>Registers both schemas now, so a schema the registry refuses (an incompatible change) stops capture at once.</summary>
    public async Task RegisterAsync()
    {
        await _valueSerializer.SchemaIdAsync($"{Topic}-value");
        if (_keySerializer is not null)
        {
            await _keySerializer.SchemaIdAsync($"{Topic}-key");
        }
    }

    private static object? ToastPlaceholder(AvroSchema schema)
    {
        var type = schema is UnionSchema u ? u.Branches.First(b => b.Type != AvroType.Null) : schema;
        return type.Type switch
        {
            AvroType.String => Debezium.Events.Unavailable.Placeholder,
            AvroType.Bytes => System.Text.Encoding.UTF8.GetBytes(Debezium.Events.Unavailable.Placeholder),
            _ => null,
        };
    }
}
