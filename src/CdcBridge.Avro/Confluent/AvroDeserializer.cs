using System.Collections.Concurrent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;
using Confluent.Kafka;

namespace CdcBridge.Avro.Confluent;

/// <summary>
/// A Confluent.Kafka deserializer for Confluent-framed Avro: fetches the writer's schema by id (cached) and reads the
/// value as the reader schema when one is given (schema resolution), else as written. Null (a tombstone) stays null.
/// </summary>
public sealed class AvroDeserializer(ISchemaRegistryClient registry, AvroSchema? readerSchema = null) : IAsyncDeserializer<object?>
{
    private readonly ConcurrentDictionary<int, Task<GenericDatumReader>> _readers = new();

    public async Task<object?> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull)
        {
            return null;
        }

        var (reader, offset) = await ReaderForAsync(data);
        return reader.Deserialize(data.Span[offset..]);
    }

    /// <summary>The schema id and the reader for a framed message.</summary>
    public async Task<(GenericDatumReader Reader, int PayloadOffset)> ReaderForAsync(ReadOnlyMemory<byte> data)
    {
        var id = ConfluentWireFormat.ReadHeader(data.Span, out _);
        var task = _readers.GetOrAdd(id, async i =>
        {
            var writer = await registry.GetByIdAsync(i);
            return new GenericDatumReader(writer, readerSchema);
        });
        try
        {
            return (await task, ConfluentWireFormat.HeaderSize);
        }
        catch
        {
            _readers.TryRemove(KeyValuePair.Create(id, task));
            throw;
        }
    }
}
