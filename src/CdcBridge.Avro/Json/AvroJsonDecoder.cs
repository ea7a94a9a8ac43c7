using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Json;

/// <summary>
/// Reads Avro's JSON encoding into generic values: unions as <c>{"branch": value}</c> (a bare value is accepted for
/// a two-branch optional union), bytes and fixed as strings of code points 0-255. In the <see cref="AvroJsonStyle.Readable"/>
/// style (the default) logical values may also be given readably: decimals as numbers or decimal strings, dates, times
/// and timestamps as ISO 8601 strings, uuids as text. <see cref="AvroJsonStyle.Specification"/> reads only the
/// specification's encoding (a decimal's bytes string may look like digits). Errors name the field path.
/// </summary>
public static class AvroJsonDecoder
{
    public static object? Decode(AvroSchema schema, string json, AvroJsonStyle style = AvroJsonStyle.Readable)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new AvroTypeException($"not valid JSON: {e.Message}");
        }

        return Decode(schema, node, style);
    }

    public static object? Decode(AvroSchema schema, JsonNode? node, AvroJsonStyle style = AvroJsonStyle.Readable) =>
        new Reader(style == AvroJsonStyle.Readable, defaults: false).Read(schema, node, "$");

    /// <summary>A field default: a union's default is the bare value of its first branch; defaults use the specification's encoding.</summary>
    public static object? DecodeDefault(AvroSchema schema, JsonNode? node) =>
        new Reader(readableLogicals: false, defaults: true).Read(schema, node, "default");

    private sealed class Reader(bool readableLogicals, bool defaults)
    {
        public object? Read(AvroSchema schema, JsonNode? node, string path)
        {
            switch (schema)
            {
                case UnionSchema union:
                    return ReadUnion(union, node, path);
                case RecordSchema record:
                    return ReadRecord(record, node, path);
                case EnumSchema e:
                    var symbol = Text(node, path, $"a symbol of {e.FullName}");
                    return e.IndexOf(symbol) >= 0
                        ? new GenericEnumSymbol(e, symbol)
                        : throw Error(path, $"'{symbol}' is not a symbol of enum {e.FullName} ({string.Join(", ", e.Symbols)})");
                case FixedSchema f:
                    if (readableLogicals && f.LogicalType is { } fl && TryReadable(f, fl, node, path, out var fixedValue))
                    {
                        return fixedValue;
                    }

                    var fixedBytes = Latin1(Text(node, path, $"fixed {f.FullName} as a string"), path);
                    return fixedBytes.Length == f.Size
                        ? LogicalConversions.FromBase(f, new GenericFixed(f, fixedBytes))
                        : throw Error(path, $"fixed {f.FullName} takes {f.Size} bytes, got {fixedBytes.Length}");
                case ArraySchema a:
                    return node is JsonArray array
                        ? array.Select((item, i) => Read(a.Items, item, $"{path}[{i}]")).ToList()
                        : throw Error(path, $"expected an array, got {Kind(node)}");
                case MapSchema m:
                    return node is JsonObject obj
                        ? obj.ToDictionary(p => p.Key, p => Read(m.Values, p.Value, $"{path}.{p.Key}"))
                        : throw Error(path, $"expected an object (map), got {Kind(node)}");
            }

            if (readableLogicals && schema.LogicalType is { } logical && TryReadable(schema, logical, node, path, out var readable))
            {
                return readable;
            }

            var value = ReadPrimitive(schema, node, path);
            return LogicalConversions.FromBase(schema, value);
        }

        private static object? ReadPrimitive(AvroSchema schema, JsonNode? node, string path)
        {
            switch (schema.Type)
            {
                case AvroType.Null:
                    return node is null ? null : throw Error(path, $"expected null, got {Kind(node)}");
                case AvroType.Boolean:
                    return node is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                        ? b.GetValue<bool>()
                        : throw Error(path, $"expected true or false, got {Kind(node)}");
                case AvroType.Int:
                    return node is JsonValue i && i.GetValueKind() == JsonValueKind.Number && i.TryGetValue<int>(out var iv)
                        ? iv
                        : throw Error(path, $"expected an int (32-bit integer), got {Shown(node)}");
                case AvroType.Long:
                    return node is JsonValue l && l.GetValueKind() == JsonValueKind.Number && l.TryGetValue<long>(out var lv)
                        ? lv
                        : throw Error(path, $"expected a long (64-bit integer), got {Shown(node)}");
                case AvroType.Float:
                    return Floating(node, path) is { } f ? (float)f : throw Error(path, $"expected a float, got {Shown(node)}");
                case AvroType.Double:
                    return Floating(node, path) ?? throw Error(path, $"expected a double, got {Shown(node)}");
                case AvroType.Bytes:
                    return Latin1(Text(node, path, "bytes as a string"), path);
                case AvroType.String:
                    return Text(node, path, "a string");
                default:
                    throw Error(path, $"no JSON reading for {schema.Type}");
            }
        }

        private object? ReadUnion(UnionSchema union, JsonNode? node, string path)
        {
            if (defaults)
            {
                return Read(union.Branches[0], node, path);
            }

            if (node is null)
            {
                return union.NullIndex >= 0 ? null : throw Error(path, "null is not a branch of this union");
            }

            if (node is JsonObject obj && obj.Count == 1)
            {
                var (branchName, inner) = obj.First();
                var index = union.IndexOf(branchName);
                if (index >= 0)
                {
                    return Read(union.Branches[index], inner, $"{path}.{branchName}");
                }
            }

            // A bare value for ["null", T]: unambiguous, and what people type.
            var nonNull = union.Branches.Where(b => b.Type != AvroType.Null).ToList();
            if (nonNull.Count == 1 && union.Branches.Count == 2)
            {
                return Read(nonNull[0], node, path);
            }

            throw Error(path, $"a union value must be null or {{\"<branch>\": value}} with a branch of [{string.Join(", ", union.Branches.Select(b => b.BranchName))}]");
        }

        private GenericRecord ReadRecord(RecordSchema record, JsonNode? node, string path)
        {
            if (node is not JsonObject obj)
            {
                throw Error(path, $"expected an object for record {record.FullName}, got {Kind(node)}");
            }

            var result = new GenericRecord(record);
            foreach (var field in record.Fields)
            {
                var fieldPath = path == "$" ? field.Name : $"{path}.{field.Name}";
                if (obj.TryGetPropertyValue(field.Name, out var value))
                {
                    result[field.Position] = Read(field.Schema, value, fieldPath);
                }
                else if (field.HasDefault)
                {
                    result[field.Position] = DecodeDefault(field.Schema, field.Default);
                }
                else
                {
                    throw Error(fieldPath, "is missing and has no default");
                }
            }

            var unknown = obj.Select(p => p.Key).FirstOrDefault(k => record.GetField(k) is null);
            return unknown is null ? result : throw Error(path == "$" ? unknown : $"{path}.{unknown}", $"is not a field of record {record.FullName}");
        }

    }

    /// <summary>Readable forms of logical values; anything else falls through to the base encoding.</summary>
    private static bool TryReadable(AvroSchema schema, LogicalType logical, JsonNode? node, string path, out object? value)
    {
        value = null;
        if (node is not JsonValue v)
        {
            return false;
        }

        switch (logical.Name)
        {
            case LogicalType.Decimal:
                var text = v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : v.TryGetValue<string>(out var s) ? s : null;
                if (text is not null && IsDecimalText(text))
                {
                    // Through the base encoding and back: checks scale and precision, and lands on the schema's scale.
                    value = LogicalConversions.FromBase(schema, LogicalConversions.ToBase(schema, AvroDecimal.Parse(text), path));
                    return true;
                }

                return false;
            case LogicalType.Date when v.TryGetValue<string>(out var d) && DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date):
                value = date;
                return true;
            case LogicalType.TimeMillis or LogicalType.TimeMicros when v.TryGetValue<string>(out var t) && TimeOnly.TryParse(t, CultureInfo.InvariantCulture, out var time):
                value = time;
                return true;
            case var name when name.Contains("timestamp", StringComparison.Ordinal) && v.TryGetValue<string>(out var ts):
                if (!DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
                {
                    return false;
                }

                value = name.StartsWith("local", StringComparison.Ordinal)
                    ? DateTime.SpecifyKind(instant.UtcDateTime, DateTimeKind.Unspecified)
                    : instant.UtcDateTime;
                return true;
            case LogicalType.Uuid when schema.Type == AvroType.String && v.TryGetValue<string>(out var u) && Guid.TryParse(u, out var guid):
                value = guid;
                return true;
            default:
                return false;
        }
    }

    private static bool IsDecimalText(string text)
    {
        try
        {
            AvroDecimal.Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static double? Floating(JsonNode? node, string path)
    {
        if (node is not JsonValue v)
        {
            return null;
        }

        if (v.GetValueKind() == JsonValueKind.Number)
        {
            return v.GetValue<double>();
        }

        return v.TryGetValue<string>(out var s) ? s switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => throw Error(path, $"'{s}' is not a number"),
        } : null;
    }

    private static string Text(JsonNode? node, string path, string expected) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Error(path, $"expected {expected}, got {Shown(node)}");

    private static byte[] Latin1(string text, string path)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            bytes[i] = text[i] <= 0xFF ? (byte)text[i] : throw Error(path, $"bytes are written as characters U+0000..U+00FF; found U+{(int)text[i]:X4}");
        }

        return bytes;
    }

    private static string Kind(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();

    private static string Shown(JsonNode? node)
    {
        var json = node?.ToJsonString() ?? "null";
        return json.Length > 40 ? json[..40] + "..." : json;
    }

    private static AvroTypeException Error(string path, string problem) => new($"{path}: {problem}");
}
