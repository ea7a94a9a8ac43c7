using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;
using CdcBridge.Debezium;
using CdcBridge.Debezium.Schema;

namespace CdcBridge.Capture;

/// <summary>
/// One captured table: its catalog description, its Debezium key/value/envelope schemas, their registration, and the
/// encoder that writes its records. Rebuilt when the table's columns change.
/// </summary>
internal sealed class CapturedTable
{
    private readonly ISchemaRegistryClient _registry;
    private readonly RecordSchema? _keyRecord;
    private GenericDatumReader? _envelopeReader;
    private GenericDatumReader? _keyReader;

    public CapturedTable(PgTable table, CaptureSettings settings, ISchemaRegistryClient registry, string database)
    {
        Table = table;
        _registry = registry;
        Topic = settings.TopicFor(table.Schema, table.Name);
        Envelope = (RecordSchema)DebeziumSchemas.Envelope(settings, table);
        _keyRecord = (RecordSchema?)DebeziumSchemas.Key(settings, table);
        Encoder = new ChangeEncoder(table, settings, Envelope, _keyRecord, database);
    }

    public PgTable Table { get; }

    public string Topic { get; }

    public RecordSchema Envelope { get; }

    public ChangeEncoder Encoder { get; }

    /// <summary>Registers both schemas now, so a schema the registry refuses (an incompatible change) stops capture at once.</summary>
    public async Task RegisterAsync()
    {
        Encoder.ValueSchemaId = await _registry.RegisterAsync($"{Topic}-value", Envelope);
        if (_keyRecord is not null)
        {
            Encoder.KeySchemaId = await _registry.RegisterAsync($"{Topic}-key", _keyRecord);
        }
    }

    /// <summary>An envelope this table's encoder wrote, as generic values (for the rare paths that read one: signals).</summary>
    public GenericRecord DecodeEnvelope(byte[] framed)
    {
        ConfluentWireFormat.ReadHeader(framed, out var payload);
        _envelopeReader ??= new GenericDatumReader(Envelope);
        return (GenericRecord)_envelopeReader.Deserialize(payload)!;
    }

    /// <summary>A key this table's encoder wrote, as generic values (for the primary-key change headers).</summary>
    public GenericRecord DecodeKey(byte[] framed)
    {
        ConfluentWireFormat.ReadHeader(framed, out var payload);
        _keyReader ??= new GenericDatumReader(_keyRecord ?? throw new InvalidOperationException($"{Table.Name} has no primary key."));
        return (GenericRecord)_keyReader.Deserialize(payload)!;
    }
}
