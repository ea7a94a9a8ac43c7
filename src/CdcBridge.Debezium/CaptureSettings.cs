using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;

namespace CdcBridge.Debezium;

/// <summary>
/// The change-capture settings, read from a Debezium PostgreSQL connector config (the Kafka Connect REST body). The
/// embedded capture takes them from connect/odoo-connector.json, the very file production registers, so both
/// produce the same topics, keys, schemas and envelopes.
/// </summary>
public sealed record CaptureSettings
{
    /// <summary>The Debezium release whose event format the embedded capture reproduces (Envelope v2, Source without a
    /// version, the 3.0.5+ snapshot enum).</summary>
    public const string EmulatedDebeziumVersion = "3.0.8.Final";

    public required string TopicPrefix { get; init; }

    public required string SlotName { get; init; }

    public required string PublicationName { get; init; }

    /// <summary>Captured tables as <c>schema.table</c>.</summary>
    public required IReadOnlyList<string> Tables { get; init; }

    public DecimalHandlingMode DecimalHandling { get; init; } = DecimalHandlingMode.Precise;

    public TimePrecisionMode TimePrecision { get; init; } = TimePrecisionMode.Adaptive;

    public bool TombstonesOnDelete { get; init; } = true;

    /// <summary>Operations not emitted (Debezium's default skips truncates: "t").</summary>
    public IReadOnlySet<char> SkippedOperations { get; init; } = new HashSet<char> { 't' };

    public TimeSpan HeartbeatInterval { get; init; }

    public string? HeartbeatActionQuery { get; init; }

    public string? SignalTable { get; init; }

    public string SnapshotMode { get; init; } = "initial";

    /// <summary>Rows per chunk of an incremental snapshot (Debezium's <c>incremental.snapshot.chunk.size</c>, default 1024).</summary>
    public int IncrementalSnapshotChunkSize { get; init; } = 1024;

    public string HeartbeatTopic => $"__debezium-heartbeat.{TopicPrefix}";

    public string TopicFor(string schema, string table) => $"{TopicPrefix}.{schema}.{table}";

    /// <summary>The settings of connect/odoo-connector.json.</summary>
    public static CaptureSettings Odoo { get; } = Load();

    public static CaptureSettings FromConnectorConfig(string json)
    {
        var root = JsonNode.Parse(json) ?? throw new FormatException("The connector config is empty.");
        var config = (root["config"] ?? root).AsObject();
        string? Get(string key) => config[key]?.GetValue<string>();
        string Required(string key) => Get(key) ?? throw new FormatException($"The connector config lacks '{key}'.");

        var connector = Required("connector.class");
        if (connector != "io.debezium.connector.postgresql.PostgresConnector")
        {
            throw new FormatException($"'{connector}' is not Debezium's PostgreSQL connector.");
        }

        if (Get("plugin.name") is { } plugin && plugin != "pgoutput")
        {
            throw new FormatException($"plugin.name '{plugin}': the embedded capture speaks pgoutput only.");
        }

        return new CaptureSettings
        {
            TopicPrefix = Required("topic.prefix"),
            SlotName = Get("slot.name") ?? "debezium",
            PublicationName = Get("publication.name") ?? "dbz_publication",
            Tables = Required("table.include.list").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            DecimalHandling = Get("decimal.handling.mode") switch
            {
                null or "precise" => DecimalHandlingMode.Precise,
                "double" => DecimalHandlingMode.Double,
                "string" => DecimalHandlingMode.String,
                var other => throw new FormatException($"decimal.handling.mode '{other}' is not precise, double or string."),
            },
            TimePrecision = Get("time.precision.mode") switch
            {
                null or "adaptive" => TimePrecisionMode.Adaptive,
                "connect" => TimePrecisionMode.Connect,
                var other => throw new FormatException($"time.precision.mode '{other}' is not supported (adaptive, connect)."),
            },
            TombstonesOnDelete = Get("tombstones.on.delete") is not "false",
            SkippedOperations = (Get("skipped.operations") ?? "t") is "none" ? new HashSet<char>()
                : (Get("skipped.operations") ?? "t").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(o => o[0]).ToHashSet(),
            HeartbeatInterval = TimeSpan.FromMilliseconds(long.Parse(Get("heartbeat.interval.ms") ?? "0", CultureInfo.InvariantCulture)),
            HeartbeatActionQuery = Get("heartbeat.action.query"),
            SignalTable = Get("signal.data.collection"),
            SnapshotMode = Get("snapshot.mode") ?? "initial",
            IncrementalSnapshotChunkSize = Get("incremental.snapshot.chunk.size") is { } chunk
                ? int.Parse(chunk, CultureInfo.InvariantCulture) is var size and > 0 ? size : throw new FormatException($"incremental.snapshot.chunk.size '{chunk}' is not a positive number.")
                : 1024,
        };
    }

    private static CaptureSettings Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("CdcBridge.Debezium.odoo-connector.json")
            ?? throw new InvalidOperationException("connect/odoo-connector.json is missing from the build.");
        using var reader = new StreamReader(stream);
        return FromConnectorConfig(reader.ReadToEnd());
    }
}
