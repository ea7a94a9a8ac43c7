using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Json;

/// <summary>How logical values appear in JSON.</summary>
public enum AvroJsonStyle
{
    /// <summary>Avro's JSON encoding exactly: logical values as their base values (decimals as bytes strings).</summary>
    Specification,

    /// <summary>Avro's JSON encoding with readable logical values: decimals as exact decimal strings, dates, times and
    /// timestamps as ISO 8601 strings, uuids as text. <see cref="AvroJsonDecoder"/> reads both styles back.</summary>
    Readable,
}

/// <summary>Writes generic values as Avro JSON: unions as <c>{"branch": value}</c>, bytes as strings of code points 0-255.</summary>
public static class AvroJsonEncoder
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Encode(AvroSchema schema, object? value, AvroJsonStyle style = AvroJsonStyle.Readable)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            Write(writer, schema, value, style);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Write(Utf8JsonWriter w, AvroSchema schema, object? value, AvroJsonStyle style)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(schema);
        if (schema is UnionSchema union)
        {
            if (value is null)
            {
                w.WriteNullValue();
                return;
            }

            var index = GenericDatumWriter.SelectBranch(union, value);
            if (index < 0)
            {
                throw new AvroTypeException($"{value} fits no branch of the union");
            }

            w.WriteStartObject();
            w.WritePropertyName(union.Branches[index].BranchName);
            Write(w, union.Branches[index], value, style);
            w.WriteEndObject();
            return;
        }

        if (style == AvroJsonStyle.Readable && schema.LogicalType is not null && WriteReadable(w, value))
        {
            return;
        }

        var raw = LogicalConversions.ToBase(schema, value, "$");
        switch (schema)
        {
            case RecordSchema record:
                w.WriteStartObject();
                foreach (var field in record.Fields)
                {
                    w.WritePropertyName(field.Name);
                    Write(w, field.Schema, FieldValue(record, raw, field), style);
                }

                w.WriteEndObject();
                return;
            case EnumSchema:
                w.WriteStringValue(raw is GenericEnumSymbol e ? e.Symbol : (string)raw!);
                return;
            case FixedSchema:
                w.WriteStringValue(Latin1(raw is GenericFixed f ? f.Value : (byte[])raw!));
                return;
            case ArraySchema a:
                w.WriteStartArray();
                foreach (var item in (IEnumerable)raw!)
                {
                    Write(w, a.Items, item, style);
                }

                w.WriteEndArray();
                return;
            case MapSchema m:
                w.WriteStartObject();
                foreach (var (key, item) in (IEnumerable<KeyValuePair<string, object?>>)raw!)
                {
                    w.WritePropertyName(key);
                    Write(w, m.Values, item, style);
                }

                w.WriteEndObject();
                return;
        }

        switch (raw)
        {
            case null: w.WriteNullValue(); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case float f when float.IsFinite(f): w.WriteNumberValue(f); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case float or double: w.WriteStringValue(Convert.ToDouble(raw, CultureInfo.InvariantCulture) is var x && double.IsNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity"); break;
            case byte[] bytes: w.WriteStringValue(Latin1(bytes)); break;
            case string s: w.WriteStringValue(s); break;
            default: throw new AvroTypeException($"cannot write {raw.GetType().Name} as {schema.BranchName}");
        }
    }

    private static object? FieldValue(RecordSchema record, object? value, AvroField field) => value switch
    {
        GenericRecord g => g.TryGet(field.Name, out var v) ? v : null,
        IDictionary<string, object?> map => map.TryGetValue(field.Name, out var v) ? v : null,
        _ => throw new AvroTypeException($"expected record {record.FullName}, got {value?.GetType().Name ?? "null"}"),
    };

    private static bool WriteReadable(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case AvroDecimal d: w.WriteStringValue(d.ToString()); return true;
            case decimal m: w.WriteStringValue(m.ToString(CultureInfo.InvariantCulture)); return true;
            case DateOnly date: w.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); return true;
            case TimeOnly time: w.WriteStringValue(time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)); return true;
            case DateTime dt when dt.Kind == DateTimeKind.Utc: w.WriteStringValue(dt.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)); return true;
            case DateTime local: w.WriteStringValue(local.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture)); return true;
            case Guid g: w.WriteStringValue(g.ToString()); return true;
            default: return false;
        }
    }

    private static string Latin1(byte[] bytes) => string.Create(bytes.Length, bytes, (span, b) =>
    {
        for (var i = 0; i < b.Length; i++)
        {
            span[i] = (char)b[i];
        }
    });
}
