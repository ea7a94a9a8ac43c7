using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdcBridge.Orders.Odoo;

/// <summary>One message of <c>Model.load</c>: data errors come back here, not as exceptions (odoo.md §3.4).</summary>
public sealed record OdooLoadMessage(string Type, string Message, string? Field);

/// <summary>
/// What <c>Model.load(fields, rows)</c> answered: <c>{"ids": [...] | false, "messages": [...]}</c>. Any error message
/// means nothing was written (Odoo rolls the whole load back).
/// </summary>
public sealed record OdooLoadResult(IReadOnlyList<int> Ids, IReadOnlyList<OdooLoadMessage> Messages)
{
    // What a load that lost a race says: the row's savepoint failed to serialize against a concurrent transaction, or
    // (where the other writer had committed first) the unique index of ir.model.data refused the same external id.
    private static readonly string[] RaceMarkers =
    [
        "could not serialize", "concurrent update", "deadlock detected", "could not obtain lock", "ir_model_data_module_name_uniq_index",
    ];

    public bool Succeeded => Ids.Count > 0 && !Messages.Any(m => m.Type == "error");

    /// <summary>Every error is a concurrency failure: the same load may succeed (or find the record) when sent again.</summary>
    public bool LostRace => !Succeeded && Messages.Count > 0 && Messages.Where(m => m.Type == "error")
        .All(m => RaceMarkers.Any(marker => m.Message.Contains(marker, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The error messages, one per line, for an operator.</summary>
    public string Describe() => string.Join("; ", Messages.Select(m => (m.Field is null ? "" : m.Field + ": ") + m.Message.Trim()));

    public static OdooLoadResult Parse(JsonNode? result)
    {
        if (result is not JsonObject answer)
        {
            throw new OdooFaultException("bad_response", "load() did not answer an object", isTransient: false);
        }

        var ids = answer["ids"] is JsonArray list ? list.Select(i => i!.GetValue<int>()).ToList() : [];
        var messages = (answer["messages"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(m => new OdooLoadMessage(Text(m["type"]) ?? "error", Text(m["message"]) ?? "", Text(m["field"])))
            .ToList();
        return new OdooLoadResult(ids, messages);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
