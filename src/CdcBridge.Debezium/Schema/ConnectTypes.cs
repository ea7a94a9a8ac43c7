using System.Globalization;
using System.Text.Json.Nodes;

namespace CdcBridge.Debezium.Schema;

/// <summary>
/// PostgreSQL column types to the Avro types Debezium's PostgreSQL connector and Confluent's AvroConverter register
/// (connect.* properties in AvroData's order: connect.doc, connect.version, connect.parameters, connect.default,
/// connect.name, connect.type, logicalType), and the defaults Debezium derives from column default expressions.
/// </summary>
internal static class ConnectTypes
{
    public const string VariableScaleDecimal = "io.debezium.data.VariableScaleDecimal";

    /// <summary>The Avro type of a column's non-null values, with "connect.default" when the column has a usable default.</summary>
    public static (JsonNode Type, JsonNode? Default) For(PgColumn column, CaptureSettings settings, ISet<string> definedNames)
    {
        var (baseType, props) = Base(column, settings);
        if (baseType == "record")
        {
            // The first VariableScaleDecimal of a schema is defined in full; later ones refer to it by name. Struct
            // defaults are dropped (KAFKA-12694), so it never carries one.
            return definedNames.Add(VariableScaleDecimal) ? (VariableScaleDecimalRecord(), null) : (JsonValue.Create(VariableScaleDecimal)!, null);
        }

        var defaultValue = DefaultFor(column, props);
        if (defaultValue is not null)
        {
            props.Insert(PositionOfDefault(props), new("connect.default", defaultValue.DeepClone()));
        }

        if (props.Count == 0)
        {
            return (JsonValue.Create(baseType)!, defaultValue);
        }

        var type = new JsonObject { ["type"] = baseType };
        foreach (var (key, value) in props)
        {
            type[key] = value;
        }

        return (type, defaultValue);
    }

    private static (string BaseType, List<KeyValuePair<string, JsonNode?>> Props) Base(PgColumn column, CaptureSettings settings)
    {
        var adaptive = settings.TimePrecision == TimePrecisionMode.Adaptive;
        switch (column.TypeName)
        {
            case "int2": return ("int", [new("connect.type", "int16")]);
            case "int4": return ("int", []);
            case "int8" or "oid": return ("long", []);
            case "bool": return ("boolean", []);
            case "float4": return ("float", []);
            case "float8": return ("double", []);
            case "varchar" or "text" or "bpchar" or "char" or "name" or "citext": return ("string", []);
            case "bytea": return ("bytes", []);
            case "json" or "jsonb": return ("string", Named("io.debezium.data.Json"));
            case "uuid": return ("string", Named("io.debezium.data.Uuid"));
            case "timestamptz": return ("string", Named("io.debezium.time.ZonedTimestamp"));
            case "timetz": return ("string", Named("io.debezium.time.ZonedTime"));
            case "date" when adaptive: return ("int", Named("io.debezium.time.Date"));
            case "date": return ("int", [.. Named("org.apache.kafka.connect.data.Date"), new("logicalType", "date")]);
            case "timestamp" when adaptive && column.Precision is <= 3: return ("long", Named("io.debezium.time.Timestamp"));
            case "timestamp" when adaptive: return ("long", Named("io.debezium.time.MicroTimestamp"));
            case "timestamp": return ("long", [.. Named("org.apache.kafka.connect.data.Timestamp"), new("logicalType", "timestamp-millis")]);
            case "time" when adaptive && column.Precision is <= 3: return ("int", Named("io.debezium.time.Time"));
            case "time" when adaptive: return ("long", Named("io.debezium.time.MicroTime"));
            case "time": return ("int", [.. Named("org.apache.kafka.connect.data.Time"), new("logicalType", "time-millis")]);
            case "numeric":
                return settings.DecimalHandling switch
                {
                    DecimalHandlingMode.Double => ("double", []),
                    DecimalHandlingMode.String => ("string", []),
                    _ when column.Precision is > 0 => ("bytes",
                    [
                        new("scale", column.Scale ?? 0),
                        new("precision", column.Precision.Value),
                        new("connect.version", 1),
                        new("connect.parameters", new JsonObject
                        {
                            ["scale"] = (column.Scale ?? 0).ToString(CultureInfo.InvariantCulture),
                            ["connect.decimal.precision"] = column.Precision.Value.ToString(CultureInfo.InvariantCulture),
                        }),
                        new("connect.name", "org.apache.kafka.connect.data.Decimal"),
                        new("logicalType", "decimal"),
                    ]),
                    _ => ("record", []),
                };
            default:
                throw new NotSupportedException(
                    $"Column {column.Name} has type {column.TypeName}, which the embedded capture does not map (yet); it will not guess.");
        }
    }

    public static JsonObject VariableScaleDecimalRecord() => new()
    {
        ["type"] = "record",
        ["name"] = "VariableScaleDecimal",
        ["namespace"] = "io.debezium.data",
        ["fields"] = new JsonArray(new JsonObject { ["name"] = "scale", ["type"] = "int" }, new JsonObject { ["name"] = "value", ["type"] = "bytes" }),
        ["connect.doc"] = "Variable scaled decimal",
        ["connect.version"] = 1,
        ["connect.name"] = VariableScaleDecimal,
    };

    private static List<KeyValuePair<string, JsonNode?>> Named(string name) => [new("connect.version", 1), new("connect.name", name)];

    // connect.default comes after connect.version/connect.parameters and before connect.name/connect.type/logicalType.
    private static int PositionOfDefault(List<KeyValuePair<string, JsonNode?>> props)
    {
        var i = props.FindIndex(p => p.Key is "connect.name" or "connect.type" or "logicalType");
        return i < 0 ? props.Count : i;
    }

    /// <summary>
    /// Debezium's default for a column: literals as they are; function defaults (nextval, now(), CURRENT_TIMESTAMP...)
    /// as a type placeholder (0, epoch); none for NULL defaults, structs (VariableScaleDecimal) and zoned times.
    /// </summary>
    private static JsonNode? DefaultFor(PgColumn column, List<KeyValuePair<string, JsonNode?>> props)
    {
        var expression = column.DefaultExpression?.Trim();
        if (string.IsNullOrEmpty(expression) || expression.StartsWith("NULL", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var semantic = props.FirstOrDefault(p => p.Key == "connect.name").Value?.GetValue<string>();
        if (column.TypeName is "numeric" or "bytea" || semantic == "io.debezium.time.ZonedTime")
        {
            return null;
        }

        var literal = Literal(expression);
        if (literal is null)
        {
            // A function default: Debezium cannot evaluate it and writes the type's placeholder.
            return semantic switch
            {
                "io.debezium.time.ZonedTimestamp" => "1970-01-01T00:00:00." + new string('0', column.Precision ?? 6) + "Z",
                "io.debezium.data.Uuid" => "00000000-0000-0000-0000-000000000000",
                "io.debezium.data.Json" => "{}",
                _ => column.TypeName switch
                {
                    "bool" => false,
                    "varchar" or "text" or "bpchar" or "char" or "name" or "citext" => "",
                    "float4" or "float8" => 0.0,
                    _ => 0,
                },
            };
        }

        return column.TypeName switch
        {
            "int2" or "int4" when int.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) => i,
            "int8" when long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
            "float4" or "float8" when double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            "bool" => literal is "true" or "t",
            "varchar" or "text" or "bpchar" or "char" or "name" or "citext" or "json" or "jsonb" or "uuid" => literal,
            _ => null,
        };
    }

    /// <summary>'text'::type → text; 42 or (-1)::integer → the number; true/false; null for anything else (functions).</summary>
    private static string? Literal(string expression)
    {
        var e = expression;
        var cast = e.IndexOf("::", StringComparison.Ordinal);
        if (e.StartsWith('\''))
        {
            var end = e.LastIndexOf('\'');
            return end > 0 ? e[1..end].Replace("''", "'", StringComparison.Ordinal) : null;
        }

        if (cast > 0)
        {
            e = e[..cast];
        }

        e = e.Trim('(', ')', ' ');
        if (e is "true" or "false")
        {
            return e;
        }

        return double.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? e : null;
    }
}
