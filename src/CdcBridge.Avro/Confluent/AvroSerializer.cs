using System.Buffers;
using System.Collections.Concurrent;
using CdcBridge.Avro.Binary;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;
using Confluent.Kafka;

namespace CdcBridge.Avro.Confluent;

/// <summary>
/// A Confluent.Kafka serializer writing generic values (see <see cref="AvroValues"/>) in Confluent's wire format with
/// one schema. The schema id is looked up (or registered) once per subject and cached.
/// </summary>
public sealed class AvroSerializer : IAsyncSerializer<object?>
{
    private readonly ISchemaRegistryClient _registry;
    private readonly AvroSerializerOptions _options;
    private readonly GenericDatumWriter _writer;
    private readonly ConcurrentDictionary<string, Task<int>> _ids = new();

    public AvroSerializer(ISchemaRegistryClient registry, AvroSchema schema, AvroSerializerOptions? options = null)
    {
        _registry = registry;
        _options = options ?? new AvroSerializerOptions();
        Schema = schema;
        _writer = new GenericDatumWriter(schema);
    }

    public AvroSchema Schema { get; }

    public async Task<byte[]> SerializeAsync(object? data, SerializationContext context)
    {
        var subject = SubjectNames.For(_options.SubjectNameStrategy, context.Topic, context.Component == MessageComponentType.Key, Schema);
        var id = await SchemaIdAsync(subject);
        var buffer = new ArrayBufferWriter<byte>(512);
        ConfluentWireFormat.WriteHeader(buffer.GetSpan(ConfluentWireFormat.HeaderSize), id);
        buffer.Advance(ConfluentWireFormat.HeaderSize);
        _writer.Write(new AvroBinaryWriter(buffer), data);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The id of this serializer's schema under the subject, registering it when allowed.</summary>
    public async Task<int> SchemaIdAsync(string subject)
    {
        var task = _ids.GetOrAdd(subject, s => _options.AutoRegisterSchemas
            ? _registry.RegisterAsync(s, Schema)
            : LookupAsync(s));
        try
        {
            return await task;
        }
        catch
        {
            _ids.TryRemove(KeyValuePair.Create(subject, task)); // a failed lookup is retried by the next message, not cached
            throw;
        }
    }

    private async Task<int> LookupAsync(string subject) => (await _registry.LookupAsync(subject, Schema)).Id;
}
