using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace CdcBridge.Orders.Odoo;

/// <summary>
/// Turns an <c>execute_kw</c>-style call (positional <c>args</c> and <c>kwargs</c>) into the body of Odoo 19's JSON-2
/// request. JSON-2 (Odoo docs, <c>content/developer/reference/external_api.rst</c>, versionadded 19.0;
/// <c>addons/web/controllers/json2.py</c>) takes a JSON object <c>{"ids": [...], "context": {...}, &lt;named params&gt;...}</c>
/// and has NO positional arguments: <c>ids</c> is the recordset (empty or omitted for <c>@api.model</c> methods), every
/// other parameter goes by its Python name. So each positional argument needs its name, and this table is the only place
/// that knows them: a method not in it may be called with keyword arguments only, never guessed.
/// </summary>
public static class OdooJson2Parameters
{
    /// <summary>
    /// The names of the positional arguments of the methods the client is used with, in their execute_kw order. A
    /// recordset method's first positional argument is its ids (<c>"ids"</c>); the rest follow the method's signature in
    /// Odoo 19's <c>odoo/orm/models.py</c> (and sale's <c>action_confirm</c>/<c>action_cancel</c>, which take only the
    /// records). <c>name_search</c>'s second parameter is <c>domain</c> since Odoo 18 (<c>args</c> before).
    /// </summary>
    private static readonly FrozenDictionary<string, string[]> Positional = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["search"] = ["domain", "offset", "limit", "order"],
        ["search_count"] = ["domain", "limit"],
        ["search_read"] = ["domain", "fields", "offset", "limit", "order"],
        ["read"] = ["ids", "fields", "load"],
        ["create"] = ["vals_list"],
        ["write"] = ["ids", "vals"],
        ["unlink"] = ["ids"],
        ["exists"] = ["ids"],
        ["load"] = ["fields", "data"],
        ["name_search"] = ["name", "domain", "operator", "limit"],
        ["fields_get"] = ["allfields", "attributes"],
        ["action_confirm"] = ["ids"],
        ["action_cancel"] = ["ids"],
        ["check_object_reference"] = ["module", "xml_id"],
        ["context_get"] = [],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether positional arguments of <paramref name="method"/> can be named.</summary>
    public static bool IsKnown(string method) => Positional.ContainsKey(method);

    /// <summary>
    /// The JSON-2 body: each positional argument under its name (<c>ids</c> always a list), then the keyword arguments
    /// (<c>context</c> stays <c>context</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Positional arguments for a method the table does not name, more of them than
    /// the method takes, or an argument given both by position and by name.</exception>
    public static JsonObject Build(string model, string method, JsonArray args, JsonObject? kwargs)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(args);
        var body = new JsonObject();
        if (args.Count > 0)
        {
            if (!Positional.TryGetValue(method, out var names))
            {
                throw new ArgumentException(
                    $"JSON-2 takes named parameters only, and the client does not know the parameter names of {model}.{method}; "
                    + "pass its arguments as keyword arguments (ids under \"ids\").", nameof(args));
            }

            if (args.Count > names.Length)
            {
                throw new ArgumentException(
                    $"{model}.{method} takes {names.Length} positional argument(s) ({string.Join(", ", names)}) over JSON-2, not {args.Count}.", nameof(args));
            }

            for (var i = 0; i < args.Count; i++)
            {
                var value = args[i]?.DeepClone();
                body[names[i]] = names[i] == "ids" && value is not JsonArray ? new JsonArray(value) : value;
            }
        }

        foreach (var (name, value) in kwargs ?? [])
        {
            if (body.ContainsKey(name))
            {
                throw new ArgumentException($"{model}.{method} got '{name}' both by position and by name.", nameof(kwargs));
            }

            body[name] = value?.DeepClone();
        }

        return body;
    }
}
