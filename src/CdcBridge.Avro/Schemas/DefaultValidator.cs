using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

/// <summary>
/// Checks a field default against its schema, as Avro's Java parser does (it rejects invalid defaults): a union's
/// default belongs to its first branch; bytes and fixed defaults are strings of code points 0-255.
/// </summary>
internal static class DefaultValidator
{
    public static void Validate(AvroSchema schema, JsonNode? value, string path)
    {
        if (!IsValid(schema, value))
        {
            var shown = value?.ToJsonString() ?? "null";
            var expected = schema is UnionSchema u ? $"the union's first branch ({u.Branches[0].BranchName})" : schema.BranchName;
            throw new AvroSchemaException($"{path}: the default {shown} is not a valid {expected}.");
        }
    }

    public static bool IsValid(AvroSchema schema, JsonNode? value)
    {
        switch (schema)
        {
            case UnionSchema union:
                return union.Branches.Count > 0 && IsValid(union.Branches[0], value);
            case RecordSchema record:
                return value is JsonObject obj && record.Fields.All(f =>
                    obj.TryGetPropertyValue(f.Name, out var v) ? IsValid(f.Schema, v) : f.HasDefault);
            case EnumSchema e:
                return value is JsonValue ev && ev.TryGetValue<string>(out var symbol) && e.IndexOf(symbol) >= 0;
            case FixedSchema f:
                return value is JsonValue fv && fv.TryGetValue<string>(out var fs) && fs.Length == f.Size && fs.All(c => c <= 0xFF);
            case ArraySchema a:
                return value is JsonArray arr && arr.All(item => IsValid(a.Items, item));
            case MapSchema m:
                return value is JsonObject map && map.All(p => IsValid(m.Values, p.Value));
        }

        if (schema.Type == AvroType.Null)
        {
            return value is null;
        }

        if (value is not JsonValue primitive)
        {
            return false;
        }

        return schema.Type switch
        {
            AvroType.Boolean => primitive.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            AvroType.Int => primitive.GetValueKind() == JsonValueKind.Number && primitive.TryGetValue<int>(out _),
            AvroType.Long => primitive.GetValueKind() == JsonValueKind.Number && primitive.TryGetValue<long>(out _),
            AvroType.Float or AvroType.Double => primitive.GetValueKind() == JsonValueKind.Number
                || (primitive.TryGetValue<string>(out var special) && special is "NaN" or "Infinity" or "-Infinity"),
            AvroType.String => primitive.TryGetValue<string>(out _),
            AvroType.Bytes => primitive.TryGetValue<string>(out var bytes) && bytes.All(c => c <= 0xFF),
            _ => false,
        };
    }
}
