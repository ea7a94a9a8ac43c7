using System.Text.Json.Nodes;
using CdcBridge.Orders.Odoo;

namespace CdcBridge.Orders.Writer;

/// <summary>The calls the writer makes, each with the configured language in its context.</summary>
internal sealed class OdooCalls(OdooJsonRpcClient client, string language)
{
    public async Task<JsonNode?> CallAsync(string model, string method, JsonArray args, CancellationToken ct, JsonObject? kwargs = null,
        JsonObject? context = null)
    {
        var keywords = kwargs ?? [];
        var merged = new JsonObject { ["lang"] = language };
        foreach (var (key, value) in context ?? [])
        {
            merged[key] = value?.DeepClone();
        }

        keywords["context"] = merged;
        return await client.ExecuteKwAsync(model, method, args, keywords, ct);
    }

    /// <summary><c>search_read(domain, fields, limit, order)</c>: the records as objects.</summary>
    public async Task<List<JsonObject>> SearchReadAsync(string model, JsonArray domain, string[] fields, CancellationToken ct, int? limit = null,
        string? order = null)
    {
        var kwargs = new JsonObject { ["fields"] = new JsonArray([.. fields.Select(f => (JsonNode?)f)]) };
        if (limit is { } l)
        {
            kwargs["limit"] = l;
        }

        if (order is not null)
        {
            kwargs["order"] = order;
        }

        var result = await CallAsync(model, "search_read", [domain], ct, kwargs);
        return result is JsonArray rows ? [.. rows.OfType<JsonObject>()] : [];
    }

    /// <summary>
    /// <c>load(fields, rows)</c>: every cell is text, as in an import file; an empty cell is no value, and a row whose
    /// own columns are all empty continues the record above with another one2many line.
    /// </summary>
    public async Task<OdooLoadResult> LoadAsync(string model, IReadOnlyList<string> fields, IEnumerable<IReadOnlyList<string?>> rows, CancellationToken ct)
    {
        var data = new JsonArray([.. rows.Select(r => (JsonNode?)new JsonArray([.. r.Select(c => (JsonNode?)(c ?? ""))]))]);
        return OdooLoadResult.Parse(await CallAsync(model, "load", [new JsonArray([.. fields.Select(f => (JsonNode?)f)]), data], ct));
    }

    /// <summary>An external id's record id, or null (<c>ir.model.data</c> is readable by every user).</summary>
    public async Task<int?> ResolveExternalIdAsync(string xmlid, string model, CancellationToken ct)
    {
        var dot = xmlid.IndexOf('.', StringComparison.Ordinal);
        var rows = await SearchReadAsync("ir.model.data",
            [new JsonArray("module", "=", xmlid[..dot]), new JsonArray("name", "=", xmlid[(dot + 1)..]), new JsonArray("model", "=", model)],
            ["res_id"], ct, limit: 1);
        return rows.Count == 1 && rows[0]["res_id"] is JsonValue id && id.TryGetValue<int>(out var resId) && resId > 0 ? resId : null;
    }
}
