using System.Text.Json;

namespace CdcBridge.Capture;

/// <summary>
/// A row inserted into the signal table (<c>signal.data.collection</c>; columns id, type, data), read as Debezium's
/// source signal channel reads it. Debezium's signalling docs: <c>execute-snapshot</c> with data
/// <c>{"data-collections":["public.stock_quant"],"type":"incremental"}</c> starts an incremental snapshot,
/// <c>stop-snapshot</c> with the same shape stops it (every table when <c>data-collections</c> is absent or empty),
/// and the snapshot's own watermarks come back as <c>snapshot-window-open</c>/<c>-close</c> rows whose id is the
/// chunk's id with <c>-open</c>/<c>-close</c> appended.
/// </summary>
internal abstract record CaptureSignal
{
    public const string WindowOpenType = "snapshot-window-open";
    public const string WindowCloseType = "snapshot-window-close";

    public static CaptureSignal Parse(string? id, string? type, string? data) => type switch
    {
        "execute-snapshot" => Snapshot(data, collectionsRequired: true, collections => new ExecuteSnapshot(collections)),
        "stop-snapshot" => Snapshot(data, collectionsRequired: false, collections => new StopSnapshot(collections)),
        WindowOpenType when id is not null && id.EndsWith("-open", StringComparison.Ordinal) => new WindowOpen(id[..^"-open".Length]),
        WindowCloseType when id is not null && id.EndsWith("-close", StringComparison.Ordinal) => new WindowClose(id[..^"-close".Length]),
        WindowOpenType or WindowCloseType => new Invalid($"a watermark id must end in -open or -close, not '{id}'"),
        _ => new Invalid($"the action '{type}' is not supported (execute-snapshot, stop-snapshot)"),
    };

    /// <summary><c>schema.table</c> as the capture names tables; a bare name is in <c>public</c>.</summary>
    public static string Qualified(string name) => name.Contains('.', StringComparison.Ordinal) ? name : "public." + name;

    private static CaptureSignal Snapshot(string? data, bool collectionsRequired, Func<IReadOnlyList<string>, CaptureSignal> create)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(data) ? "{}" : data);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return new Invalid($"its data is not JSON ({e.Message})");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new Invalid("its data is not a JSON object");
        }

        // Only incremental snapshots: Debezium's "blocking" type stops streaming, which the embedded capture does not do.
        if (root.TryGetProperty("type", out var kind) && !(kind.ValueKind == JsonValueKind.String && string.Equals(kind.GetString(), "incremental", StringComparison.OrdinalIgnoreCase)))
        {
            return new Invalid($"the snapshot type {kind} is not supported (incremental)");
        }

        // A filtered re-read would be silently widened to whole tables: refuse it instead.
        if (root.TryGetProperty("additional-conditions", out var conditions) && conditions.ValueKind == JsonValueKind.Array && conditions.GetArrayLength() > 0)
        {
            return new Invalid("additional-conditions are not supported");
        }

        if (root.TryGetProperty("surrogate-key", out var surrogate) && surrogate.ValueKind == JsonValueKind.String && surrogate.GetString() is { Length: > 0 })
        {
            return new Invalid("surrogate-key is not supported (chunks follow the primary key)");
        }

        var collections = new List<string>();
        if (root.TryGetProperty("data-collections", out var names))
        {
            if (names.ValueKind != JsonValueKind.Array || names.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(n.GetString())))
            {
                return new Invalid("data-collections must be an array of table names");
            }

            collections.AddRange(names.EnumerateArray().Select(n => Qualified(n.GetString()!.Trim())).Distinct(StringComparer.Ordinal));
        }

        return collectionsRequired && collections.Count == 0 ? new Invalid("data-collections names no table") : create(collections);
    }

    internal sealed record ExecuteSnapshot(IReadOnlyList<string> DataCollections) : CaptureSignal;

    /// <summary>Stops the named tables' snapshot, or every table's when none is named.</summary>
    internal sealed record StopSnapshot(IReadOnlyList<string> DataCollections) : CaptureSignal;

    internal sealed record WindowOpen(string ChunkId) : CaptureSignal;

    internal sealed record WindowClose(string ChunkId) : CaptureSignal;

    internal sealed record Invalid(string Reason) : CaptureSignal;
}
