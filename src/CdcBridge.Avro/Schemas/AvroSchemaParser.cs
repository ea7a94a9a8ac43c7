using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdcBridge.Avro.Schemas;

/// <summary>Parses Avro schema JSON into the schema model, validating names, unions, enums and field defaults.</summary>
public static class AvroSchemaParser
{
    private static readonly HashSet<string> RecordKeys = ["type", "name", "namespace", "aliases", "doc", "fields"];
    private static readonly HashSet<string> EnumKeys = ["type", "name", "namespace", "aliases", "doc", "symbols", "default"];
    private static readonly HashSet<string> FixedKeys = ["type", "name", "namespace", "aliases", "doc", "size"];
    private static readonly HashSet<string> ArrayKeys = ["type", "items"];
    private static readonly HashSet<string> MapKeys = ["type", "values"];
    private static readonly HashSet<string> FieldKeys = ["name", "type", "doc", "default", "order", "aliases"];

    private static readonly Dictionary<string, AvroType> Primitives = new(StringComparer.Ordinal)
    {
        ["null"] = AvroType.Null,
        ["boolean"] = AvroType.Boolean,
        ["int"] = AvroType.Int,
        ["long"] = AvroType.Long,
        ["float"] = AvroType.Float,
        ["double"] = AvroType.Double,
        ["bytes"] = AvroType.Bytes,
        ["string"] = AvroType.String,
    };

    public static AvroSchema Parse(string json) => Parse(json, null);

    /// <summary>Parses a schema that may refer to named types defined elsewhere (Schema Registry references).
    /// <paramref name="validateDefaults"/> off accepts defaults that do not match their field (older writers made them).</summary>
    public static AvroSchema Parse(string json, IEnumerable<NamedSchema>? knownTypes, bool validateDefaults = true)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new AvroSchemaException($"The schema is not valid JSON: {e.Message}");
        }

        var names = new Dictionary<string, NamedSchema>(StringComparer.Ordinal);
        foreach (var known in knownTypes ?? [])
        {
            names[known.FullName] = known;
        }

        return new Context(names, validateDefaults).Parse(node, null, "schema");
    }

    private sealed class Context(Dictionary<string, NamedSchema> names, bool validateDefaults)
    {
        public AvroSchema Parse(JsonNode? node, string? enclosingNamespace, string path) => node switch
        {
            JsonValue value when value.TryGetValue<string>(out var name) => ParseName(name, enclosingNamespace, path),
            JsonArray array => new UnionSchema(array.Select((b, i) => Parse(b, enclosingNamespace, $"{path}[{i}]")).ToList()),
            JsonObject obj => ParseObject(obj, enclosingNamespace, path),
            _ => throw new AvroSchemaException($"{path}: expected a type name, an object or a union array, found {Describe(node)}."),
        };

        private AvroSchema ParseName(string name, string? enclosingNamespace, string path)
        {
            if (Primitives.TryGetValue(name, out var primitive))
            {
                return PrimitiveSchema.Of(primitive);
            }

            // A name without a dot is looked up in the enclosing namespace first, then in the null namespace.
            if (!name.Contains('.', StringComparison.Ordinal) && !string.IsNullOrEmpty(enclosingNamespace)
                && names.TryGetValue($"{enclosingNamespace}.{name}", out var inNamespace))
            {
                return inNamespace;
            }

            return names.TryGetValue(name, out var named)
                ? named
                : throw new AvroSchemaException($"{path}: '{name}' is neither a primitive type nor a named type defined before it.");
        }

        private AvroSchema ParseObject(JsonObject obj, string? enclosingNamespace, string path)
        {
            if (!obj.TryGetPropertyValue("type", out var typeNode) || typeNode is null)
            {
                throw new AvroSchemaException($"{path}: a schema object needs a \"type\".");
            }

            if (typeNode is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var type))
            {
                // {"type": {...}} or {"type": [...]}: the object only wraps another schema.
                return Parse(typeNode, enclosingNamespace, $"{path}.type");
            }

            if (Primitives.TryGetValue(type, out var primitive))
            {
                var props = Extra(obj, ["type"]);
                return props.Count == 0 ? PrimitiveSchema.Of(primitive) : new PrimitiveSchema(primitive, props);
            }

            return type switch
            {
                "record" or "error" => ParseRecord(obj, enclosingNamespace, path, type == "error"),
                "enum" => ParseEnum(obj, enclosingNamespace, path),
                "fixed" => ParseFixed(obj, enclosingNamespace, path),
                "array" => new ArraySchema(Parse(Required(obj, "items", path), enclosingNamespace, $"{path}.items"), Extra(obj, ArrayKeys)),
                "map" => new MapSchema(Parse(Required(obj, "values", path), enclosingNamespace, $"{path}.values"), Extra(obj, MapKeys)),
                _ => ParseName(type, enclosingNamespace, path), // {"type": "SomeRecord"}
            };
        }

        private RecordSchema ParseRecord(JsonObject obj, string? enclosingNamespace, string path, bool isError)
        {
            var (name, aliases, doc) = NameParts(obj, enclosingNamespace, path);
            var record = new RecordSchema(name, aliases, doc, isError, Extra(obj, RecordKeys));
            Register(record, path);
            if (Required(obj, "fields", path) is not JsonArray fieldNodes)
            {
                throw new AvroSchemaException($"{path}: \"fields\" of record {name} must be an array.");
            }

            var fields = new List<AvroField>(fieldNodes.Count);
            foreach (var (fieldNode, i) in fieldNodes.Select((f, i) => (f, i)))
            {
                var fieldPath = $"{name.FullName}.fields[{i}]";
                if (fieldNode is not JsonObject field)
                {
                    throw new AvroSchemaException($"{fieldPath}: a field must be an object.");
                }

                var fieldName = RequiredString(field, "name", fieldPath);
                fieldPath = $"{name.FullName}.{fieldName}";
                var schema = Parse(Required(field, "type", fieldPath), name.Namespace, fieldPath);
                var hasDefault = field.TryGetPropertyValue("default", out var defaultNode);
                if (hasDefault && validateDefaults)
                {
                    DefaultValidator.Validate(schema, defaultNode, fieldPath);
                }

                var order = OptionalString(field, "order", fieldPath);
                if (order is not null and not ("ascending" or "descending" or "ignore"))
                {
                    throw new AvroSchemaException($"{fieldPath}: order must be ascending, descending or ignore, not '{order}'.");
                }

                fields.Add(new AvroField(fieldName, schema, OptionalString(field, "doc", fieldPath), hasDefault, defaultNode?.DeepClone(),
                    order, StringArray(field, "aliases", fieldPath), Extra(field, FieldKeys)));
            }

            record.SetFields(fields);
            return record;
        }

        private EnumSchema ParseEnum(JsonObject obj, string? enclosingNamespace, string path)
        {
            var (name, aliases, doc) = NameParts(obj, enclosingNamespace, path);
            var symbols = StringArray(obj, "symbols", path) ?? throw new AvroSchemaException($"{path}: enum {name} needs \"symbols\".");
            var schema = new EnumSchema(name, aliases, doc, symbols, OptionalString(obj, "default", path), Extra(obj, EnumKeys));
            Register(schema, path);
            return schema;
        }

        private FixedSchema ParseFixed(JsonObject obj, string? enclosingNamespace, string path)
        {
            var (name, aliases, doc) = NameParts(obj, enclosingNamespace, path);
            if (Required(obj, "size", path) is not JsonValue sizeValue || !sizeValue.TryGetValue<int>(out var size))
            {
                throw new AvroSchemaException($"{path}: the size of fixed {name} must be an integer.");
            }

            var schema = new FixedSchema(name, aliases, doc, size, Extra(obj, FixedKeys));
            Register(schema, path);
            return schema;
        }

        private static (AvroName Name, IReadOnlyList<AvroName> Aliases, string? Doc) NameParts(JsonObject obj, string? enclosingNamespace, string path)
        {
            var rawName = RequiredString(obj, "name", path);
            // A dotted name carries its namespace; else an explicit "namespace" (even ""), else the enclosing one.
            var ns = rawName.Contains('.', StringComparison.Ordinal) ? null
                : obj.TryGetPropertyValue("namespace", out var nsNode) && nsNode is not null ? OptionalString(obj, "namespace", path) ?? ""
                : enclosingNamespace;
            var name = AvroName.Resolve(rawName, ns);
            var aliases = (StringArray(obj, "aliases", path) ?? []).Select(a => AvroName.Resolve(a, name.Namespace)).ToList();
            return (name, aliases, OptionalString(obj, "doc", path));
        }

        private void Register(NamedSchema schema, string path)
        {
            if (Primitives.ContainsKey(schema.FullName))
            {
                throw new AvroSchemaException($"{path}: a named type may not be called '{schema.FullName}'.");
            }

            if (!names.TryAdd(schema.FullName, schema))
            {
                throw new AvroSchemaException($"{path}: the name {schema.FullName} is defined twice.");
            }
        }
    }

    private static JsonNode Required(JsonObject obj, string key, string path) =>
        obj.TryGetPropertyValue(key, out var node) && node is not null ? node : throw new AvroSchemaException($"{path}: \"{key}\" is required.");

    private static string RequiredString(JsonObject obj, string key, string path) =>
        OptionalString(obj, key, path) ?? throw new AvroSchemaException($"{path}: \"{key}\" is required.");

    private static string? OptionalString(JsonObject obj, string key, string path)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new AvroSchemaException($"{path}: \"{key}\" must be a string.");
    }

    private static List<string>? StringArray(JsonObject obj, string key, string path)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node is not JsonArray array || array.Any(n => n is not JsonValue v || !v.TryGetValue<string>(out _)))
        {
            throw new AvroSchemaException($"{path}: \"{key}\" must be an array of strings.");
        }

        return array.Select(n => n!.GetValue<string>()).ToList();
    }

    private static List<KeyValuePair<string, JsonNode?>> Extra(JsonObject obj, HashSet<string> reserved) =>
        obj.Where(p => !reserved.Contains(p.Key)).Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value?.DeepClone())).ToList();

    private static string Describe(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();
}
