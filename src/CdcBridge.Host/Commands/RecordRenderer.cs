using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Json;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;
using Confluent.Kafka;

namespace CdcBridge.Host.Commands;

/// <summary>
/// Shows a Kafka record as kcat would, but Avro-aware: Confluent-framed keys and values are decoded through the
/// registry into Avro JSON (decimals as exact strings, timestamps readable); other bytes show as UTF-8 text or base64.
/// </summary>
internal sealed class RecordRenderer(ISchemaRegistryClient? registry)
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private readonly AvroDeserializer? _avro = registry is null ? null : new AvroDeserializer(registry);

    public async Task<string> ToJsonAsync(ConsumeResult<byte[]?, byte[]?> record)
    {
        var key = await DecodeAsync(record.Message.Key);
        var value = await DecodeAsync(record.Message.Value);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("topic", record.Topic);
            w.WriteNumber("partition", record.Partition.Value);
            w.WriteNumber("offset", record.Offset.Value);
            w.WriteString("timestamp", record.Message.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            WriteDecoded(w, "key", key);
            WriteDecoded(w, "value", value);
            w.WriteStartObject("headers");
            foreach (var header in record.Message.Headers ?? [])
            {
                w.WriteString(header.Key, Text(header.GetValueBytes()));
            }

            w.WriteEndObject();
            if (key.SchemaId is { } keyId)
            {
                w.WriteNumber("keySchemaId", keyId);
            }

            if (value.SchemaId is { } valueId)
            {
                w.WriteNumber("valueSchemaId", valueId);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public async Task<string> ToTableRowAsync(ConsumeResult<byte[]?, byte[]?> record)
    {
        var key = await DecodeAsync(record.Message.Key);
        var value = await DecodeAsync(record.Message.Value);
        return string.Create(CultureInfo.InvariantCulture,
            $"{record.Partition.Value,3} {record.Offset.Value,8}  {record.Message.Timestamp.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}  {Compact(key),-30}  {Compact(value)}");
    }

    private async Task<Decoded> DecodeAsync(byte[]? data)
    {
        if (data is null)
        {
            return new Decoded(null, null, null, null);
        }

        if (_avro is not null && data.Length >= ConfluentWireFormat.HeaderSize && data[0] == ConfluentWireFormat.MagicByte)
        {
            try
            {
                var (reader, offset) = await _avro.ReaderForAsync(data);
                var id = ConfluentWireFormat.ReadHeader(data, out _);
                return new Decoded(reader.Deserialize(data.AsSpan(offset)), reader.ReaderSchema, id, null);
            }
            catch (Exception e) when (e is SchemaRegistryException or Avro.Binary.AvroDecodeException or InvalidDataException)
            {
                return new Decoded(null, null, null, $"{e.Message} (raw base64: {Convert.ToBase64String(data)})");
            }
        }

        return new Decoded(Text(data), null, null, null);
    }

    private static void WriteDecoded(Utf8JsonWriter w, string name, Decoded decoded)
    {
        w.WritePropertyName(name);
        if (decoded.Error is not null)
        {
            w.WriteStartObject();
            w.WriteString("error", decoded.Error);
            w.WriteEndObject();
        }
        else if (decoded.Schema is not null)
        {
            AvroJsonEncoder.Write(w, decoded.Schema, decoded.Value, AvroJsonStyle.Readable);
        }
        else if (decoded.Value is string s)
        {
            w.WriteStringValue(s);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    private static string Compact(Decoded decoded)
    {
        var text = decoded.Error ?? (decoded.Schema is not null ? AvroJsonEncoder.Encode(decoded.Schema, decoded.Value) : decoded.Value as string ?? "null");
        return text.Length > 120 ? text[..117] + "..." : text;
    }

    private static string Text(byte[] data)
    {
        try
        {
            return StrictUtf8.GetString(data);
        }
        catch (DecoderFallbackException)
        {
            return "base64:" + Convert.ToBase64String(data);
        }
    }

    private sealed record Decoded(object? Value, AvroSchema? Schema, int? SchemaId, string? Error);
}
