using System.Text.Json.Nodes;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Debezium.Schema;

/// <summary>
/// The Avro schemas Debezium's PostgreSQL connector (3.0.5–3.0.x, Confluent AvroConverter) registers for a table:
/// key <c>&lt;prefix&gt;.&lt;schema&gt;.&lt;table&gt;.Key</c> (primary key columns; null for a table without one),
/// row <c>.Value</c>, and the <c>.Envelope</c> (before, after, source, transaction, op, ts_ms, ts_us, ts_ns).
/// </summary>
public static class DebeziumSchemas
{
    public const string SnapshotAllowed = "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental";

    public static string Namespace(CaptureSettings settings, PgTable table) =>
        $"{settings.TopicPrefix}.{table.Schema}.{table.Name}";

    /// <summary>The key schema, or null for a table without a primary key (Debezium then writes null keys).</summary>
    public static AvroSchema? Key(CaptureSettings settings, PgTable table)
    {
        if (table.PrimaryKey.Count == 0)
        {
            return null;
        }

        var columns = table.PrimaryKey.Select(k => table.Columns.FirstOrDefault(c => c.Name == k)
            ?? throw new ArgumentException($"Primary key column {k} is not a column of {table.Name}.")).ToList();
        return AvroSchema.Parse(Record(settings, table, "Key", columns, new HashSet<string>()).ToJsonString());
    }

    public static AvroSchema Value(CaptureSettings settings, PgTable table) =>
        AvroSchema.Parse(Record(settings, table, "Value", table.Columns, new HashSet<string>()).ToJsonString());

    public static AvroSchema Envelope(CaptureSettings settings, PgTable table)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(table);
        var ns = Namespace(settings, table);
        var value = Record(settings, table, "Value", table.Columns, new HashSet<string>());
        var envelope = new JsonObject
        {
            ["type"] = "record",
            ["name"] = "Envelope",
            ["namespace"] = ns,
            ["fields"] = new JsonArray(
                Field("before", new JsonArray("null", value), null, hasDefault: true),
                Field("after", new JsonArray("null", $"{ns}.Value"), null, hasDefault: true),
                Field("source", Source(), null, hasDefault: false),
                Field("transaction", new JsonArray("null", TransactionBlock()), null, hasDefault: true),
                Field("op", "string", null, hasDefault: false),
                OptionalLong("ts_ms"),
                OptionalLong("ts_us"),
                OptionalLong("ts_ns")),
            ["connect.version"] = 2,
            ["connect.name"] = $"{ns}.Envelope",
        };
        return AvroSchema.Parse(envelope.ToJsonString());
    }

    /// <summary>io.debezium.connector.postgresql.Source as of Debezium 3.0.5–3.0.x.</summary>
    public static JsonObject Source() => new()
    {
        ["type"] = "record",
        ["name"] = "Source",
        ["namespace"] = "io.debezium.connector.postgresql",
        ["fields"] = new JsonArray(
            Field("version", "string", null, false),
            Field("connector", "string", null, false),
            Field("name", "string", null, false),
            Field("ts_ms", "long", null, false),
            Field("snapshot", new JsonArray(new JsonObject
            {
                ["type"] = "string",
                ["connect.version"] = 1,
                ["connect.parameters"] = new JsonObject { ["allowed"] = SnapshotAllowed },
                ["connect.default"] = "false",
                ["connect.name"] = "io.debezium.data.Enum",
            }, "null"), "false", true),
            Field("db", "string", null, false),
            OptionalString("sequence"),
            OptionalLong("ts_us"),
            OptionalLong("ts_ns"),
            Field("schema", "string", null, false),
            Field("table", "string", null, false),
            OptionalLong("txId"),
            OptionalLong("lsn"),
            OptionalLong("xmin")),
        ["connect.name"] = "io.debezium.connector.postgresql.Source",
    };

    private static JsonObject TransactionBlock() => new()
    {
        ["type"] = "record",
        ["name"] = "block",
        ["namespace"] = "event",
        ["fields"] = new JsonArray(Field("id", "string", null, false), Field("total_order", "long", null, false), Field("data_collection_order", "long", null, false)),
        ["connect.version"] = 1,
        ["connect.name"] = "event.block",
    };

    private static JsonObject Record(CaptureSettings settings, PgTable table, string name, IEnumerable<PgColumn> columns, ISet<string> definedNames)
    {
        var ns = Namespace(settings, table);
        var fields = new JsonArray();
        foreach (var column in columns)
        {
            var (type, defaultValue) = ConnectTypes.For(column, settings, definedNames);
            if (!column.Nullable)
            {
                fields.Add(Field(column.Name, type, defaultValue, defaultValue is not null));
            }
            else if (defaultValue is not null)
            {
                // Avro requires a union's default to match its first branch: [T, "null"] for a non-null default.
                fields.Add(Field(column.Name, new JsonArray(type, "null"), defaultValue, true));
            }
            else
            {
                fields.Add(Field(column.Name, new JsonArray("null", type), null, true));
            }
        }

        return new JsonObject
        {
            ["type"] = "record",
            ["name"] = name,
            ["namespace"] = ns,
            ["fields"] = fields,
            ["connect.name"] = $"{ns}.{name}",
        };
    }

    private static JsonObject Field(string name, JsonNode type, JsonNode? defaultValue, bool hasDefault)
    {
        var field = new JsonObject { ["name"] = name, ["type"] = type };
        if (hasDefault)
        {
            field["default"] = defaultValue?.DeepClone();
        }

        return field;
    }

    private static JsonObject OptionalLong(string name) => Field(name, new JsonArray("null", "long"), null, true);

    private static JsonObject OptionalString(string name) => Field(name, new JsonArray("null", "string"), null, true);
}
