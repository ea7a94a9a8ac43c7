using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Shopify.GraphQl;

internal enum GqlFieldKind
{
    Scalar,
    ScalarList,
    Object,
    ObjectList,
}

/// <summary>Resolves a field's value from its parent's value and the field's coerced arguments.</summary>
internal delegate object? GqlResolver(GqlResolveContext context, object? source, JsonObject arguments);

internal sealed record GqlArgumentDefinition(string Name, GqlTypeRef Type, JsonNode? DefaultValue = null);

/// <summary>
/// One field of an object type. <see cref="BaseCost"/> is added to the field's cost (10 for mutation roots);
/// <see cref="CountEachElement"/> makes every element of an object list count (connection nodes and edges) instead of
/// the first only (plain lists such as an adjustment group's changes).
/// </summary>
internal sealed record GqlFieldDefinition(
    string Name,
    GqlFieldKind Kind,
    string TypeDisplay,
    GqlObjectType? ObjectType,
    IReadOnlyList<GqlArgumentDefinition> Arguments,
    GqlResolver Resolve,
    int BaseCost = 0,
    bool CountEachElement = false);

/// <summary>
/// An output object type. <see cref="CostsPoint"/>: objects with an identity (Shopify's Node types: products, items,
/// locations, levels, adjustment groups) cost 1 point; value objects (quantities, changes, user errors, page info,
/// edges, payloads) cost nothing, which reproduces the captured costs (13 requested for the usual inventorySetQuantities
/// selection: 10 + group + item + location). <see cref="IsConnection"/>: a connection costs 2 + first × node cost.
/// </summary>
internal sealed class GqlObjectType(string name, bool costsPoint, bool isConnection = false)
{
    private readonly Dictionary<string, GqlFieldDefinition> _fields = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public bool CostsPoint { get; } = costsPoint;

    public bool IsConnection { get; } = isConnection;

    public GqlFieldDefinition? Field(string name) => _fields.GetValueOrDefault(name);

    public GqlObjectType Scalar(string name, string type, Func<object?, object?> resolve, params GqlArgumentDefinition[] arguments)
    {
        _fields[name] = new GqlFieldDefinition(name, GqlFieldKind.Scalar, type, null, arguments, (_, s, _) => resolve(s));
        return this;
    }

    public GqlObjectType Scalar(string name, string type, GqlResolver resolve, params GqlArgumentDefinition[] arguments)
    {
        _fields[name] = new GqlFieldDefinition(name, GqlFieldKind.Scalar, type, null, arguments, resolve);
        return this;
    }

    public GqlObjectType Object(string name, GqlObjectType type, GqlResolver resolve, params GqlArgumentDefinition[] arguments)
    {
        _fields[name] = new GqlFieldDefinition(name, GqlFieldKind.Object, type.Name, type, arguments, resolve);
        return this;
    }

    public GqlObjectType List(string name, GqlObjectType type, GqlResolver resolve, bool countEach = false, params GqlArgumentDefinition[] arguments)
    {
        _fields[name] = new GqlFieldDefinition(name, GqlFieldKind.ObjectList, $"[{type.Name}!]!", type, arguments, resolve, CountEachElement: countEach);
        return this;
    }

    public GqlObjectType Add(GqlFieldDefinition field)
    {
        _fields[field.Name] = field;
        return this;
    }
}

/// <summary>A page of a connection, as resolvers return it.</summary>
internal sealed record GqlConnectionPage(IReadOnlyList<object> Nodes, IReadOnlyList<string> Cursors, bool HasNextPage, bool HasPreviousPage);

/// <summary>A field error raised by a resolver: the field becomes null and the error is listed with the field's location and path.</summary>
internal sealed class GqlFieldException(string message, string code, IReadOnlyList<GqlLocation>? extraLocations = null) : Exception(message)
{
    public string Code { get; } = code;

    public IReadOnlyList<GqlLocation> ExtraLocations { get; } = extraLocations ?? [];
}

/// <summary>Input object types and the coercion of input values (variables and literals) against type references.</summary>
internal static class GqlInputTypes
{
    private static readonly Dictionary<string, GqlArgumentDefinition[]> InputObjects = new(StringComparer.Ordinal);

    public static void Define(string name, params GqlArgumentDefinition[] fields) => InputObjects[name] = fields;

    public static bool IsKnown(string name) => InputObjects.ContainsKey(name) || name is "ID" or "String" or "Int" or "Float" or "Boolean";

    public static GqlTypeRef Type(string text)
    {
        text = text.Trim();
        var nonNull = text.EndsWith('!');
        if (nonNull)
        {
            text = text[..^1];
        }

        return text.StartsWith('[')
            ? new GqlTypeRef(null, Type(text[1..^1]), nonNull)
            : new GqlTypeRef(text, null, nonNull);
    }

    /// <summary>
    /// Coerces <paramref name="value"/> (null = JSON null; absent handled by callers) to <paramref name="type"/>, adding a
    /// (path, explanation) problem for every violation. Returns the coerced value (a fresh node).
    /// </summary>
    public static JsonNode? Coerce(JsonNode? value, GqlTypeRef type, List<string> path, List<(IReadOnlyList<string> Path, string Explanation)> problems)
    {
        if (value is null)
        {
            if (type.NonNull)
            {
                problems.Add((path.ToArray(), "Expected value to not be null"));
            }

            return null;
        }

        if (type.IsList)
        {
            var result = new JsonArray();
            if (value is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    path.Add(i.ToString(CultureInfo.InvariantCulture));
                    result.Add(Coerce(array[i], type.OfType!, path, problems));
                    path.RemoveAt(path.Count - 1);
                }
            }
            else
            {
                // Input coercion of a single value to a list of one.
                result.Add(Coerce(value, type.OfType!, path, problems));
            }

            return result;
        }

        var name = type.Name!;
        if (InputObjects.TryGetValue(name, out var fields))
        {
            if (value is not JsonObject obj)
            {
                problems.Add((path.ToArray(), $"Expected {Describe(value)} to be a key-value object."));
                return null;
            }

            var result = new JsonObject();
            foreach (var (key, fieldValue) in obj)
            {
                var field = Array.Find(fields, f => f.Name == key);
                if (field is null)
                {
                    path.Add(key);
                    problems.Add((path.ToArray(), $"Field is not defined on {name}"));
                    path.RemoveAt(path.Count - 1);
                    continue;
                }

                path.Add(key);
                result[key] = Coerce(fieldValue, field.Type, path, problems);
                path.RemoveAt(path.Count - 1);
            }

            foreach (var field in fields)
            {
                if (!obj.ContainsKey(field.Name))
                {
                    if (field.DefaultValue is not null)
                    {
                        result[field.Name] = field.DefaultValue.DeepClone();
                    }
                    else if (field.Type.NonNull)
                    {
                        path.Add(field.Name);
                        problems.Add((path.ToArray(), "Expected value to not be null"));
                        path.RemoveAt(path.Count - 1);
                    }
                }
            }

            return result;
        }

        var element = value is JsonValue v ? v.GetValueKind() : JsonValueKind.Object;
        switch (name)
        {
            case "String":
                if (element == JsonValueKind.String)
                {
                    return JsonValue.Create(value.GetValue<string>());
                }

                break;
            case "ID":
                if (element == JsonValueKind.String)
                {
                    return JsonValue.Create(value.GetValue<string>());
                }

                if (element == JsonValueKind.Number && long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var idNumber))
                {
                    return JsonValue.Create(idNumber.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case "Int":
                if (element == JsonValueKind.Number && long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    && number is >= int.MinValue and <= int.MaxValue)
                {
                    return JsonValue.Create(number);
                }

                break;
            case "Float":
                if (element == JsonValueKind.Number)
                {
                    return JsonValue.Create(double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture));
                }

                break;
            case "Boolean":
                if (element is JsonValueKind.True or JsonValueKind.False)
                {
                    return JsonValue.Create(element == JsonValueKind.True);
                }

                break;
            default:
                problems.Add((path.ToArray(), $"Unknown type {name}"));
                return null;
        }

        problems.Add((path.ToArray(), $"Could not coerce value {value.ToJsonString()} to {name}"));
        return null;
    }

    /// <summary>A literal from the document as the JSON value a variable would carry (variables substituted).</summary>
    public static JsonNode? FromLiteral(GqlValue literal, IReadOnlyDictionary<string, JsonNode?> variables) => literal switch
    {
        GqlVariableValue variable => variables.TryGetValue(variable.Name, out var bound) ? bound?.DeepClone() : null,
        GqlIntValue i => JsonNode.Parse(i.Text),
        GqlFloatValue f => JsonNode.Parse(f.Text),
        GqlStringValue s => JsonValue.Create(s.Value),
        GqlBooleanValue b => JsonValue.Create(b.Value),
        GqlNullValue => null,
        GqlEnumValue e => JsonValue.Create(e.Name),
        GqlListValue list => new JsonArray(list.Items.Select(item => FromLiteral(item, variables)).ToArray()),
        GqlObjectValue obj => new JsonObject(obj.Fields.Select(f => new KeyValuePair<string, JsonNode?>(f.Key, FromLiteral(f.Value, variables)))),
        _ => null,
    };

    private static string Describe(JsonNode value) => value.ToJsonString();
}
