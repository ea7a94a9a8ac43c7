using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>search, search_read, read, search_count, name_search and fields_get over any simulated model.</summary>
internal static class RecordReader
{
    public static async Task<List<int>> SearchAsync(OdooCursor cr, OdooModel model, JsonNode? domain, int offset, int? limit, string? order, CancellationToken ct)
    {
        var parameters = new List<object?>();
        var where = new OdooDomain(parameters).Compile(model, domain, "t", ActiveTest(cr));
        var sql = new StringBuilder($"SELECT t.id FROM {model.Table} t WHERE {where} ORDER BY {OrderBy(model, order, "t")}");
        if (limit is { } l)
        {
            sql.Append(CultureInfo.InvariantCulture, $" LIMIT {l}");
        }

        if (offset > 0)
        {
            sql.Append(CultureInfo.InvariantCulture, $" OFFSET {offset}");
        }

        return await cr.IdsAsync(sql.ToString(), ct, [.. parameters]);
    }

    public static async Task<int> SearchCountAsync(OdooCursor cr, OdooModel model, JsonNode? domain, CancellationToken ct)
    {
        var parameters = new List<object?>();
        var where = new OdooDomain(parameters).Compile(model, domain, "t", ActiveTest(cr));
        return (int)(await cr.ScalarAsync<long>($"SELECT count(*) FROM {model.Table} t WHERE {where}", ct, [.. parameters]));
    }

    private static bool ActiveTest(OdooCursor cr) => cr.Context["active_test"] is not JsonValue v || !v.TryGetValue<bool>(out var b) || b;

    /// <summary>read(): records in the order of <paramref name="ids"/>; a missing id is a MissingError, as in Odoo.</summary>
    public static async Task<JsonArray> ReadAsync(OdooCursor cr, OdooModel model, IReadOnlyList<int> ids, JsonNode? fieldNames, CancellationToken ct)
    {
        var fields = Fields(model, fieldNames);
        var columns = new List<string> { "t.id" };
        foreach (var field in fields)
        {
            var expr = field.IsX2many ? "NULL" : field.Expression("t");
            switch (field.Type)
            {
                case FieldType.Many2one:
                    columns.Add(expr);
                    columns.Add(field.Relation is { } rel && OdooModels.All.TryGetValue(rel, out var comodel)
                        ? $"(SELECT {comodel.Display("r")} FROM {comodel.Table} r WHERE r.id = {expr})"
                        : $"({expr})::text");
                    break;
                case FieldType.One2many:
                    var child = OdooModels.All[field.Relation!];
                    columns.Add($"ARRAY(SELECT c.id FROM {child.Table} c WHERE c.{field.Inverse} = t.id ORDER BY {OrderBy(child, null, "c")})");
                    break;
                case FieldType.Many2many:
                    var linked = OdooModels.All[field.Relation!];
                    columns.Add($"ARRAY(SELECT c.id FROM {field.RelationTable} r JOIN {linked.Table} c ON c.id = r.{field.Column2} "
                        + $"WHERE r.{field.Column1} = t.id ORDER BY {OrderBy(linked, null, "c")})");
                    break;
                case FieldType.Date:
                    columns.Add($"to_char({expr}, 'YYYY-MM-DD')");
                    break;
                case FieldType.Datetime:
                    columns.Add($"to_char({expr}, 'YYYY-MM-DD HH24:MI:SS')");
                    break;
                default:
                    columns.Add(expr);
                    break;
            }
        }

        var distinct = ids.Distinct().ToArray();
        var rows = await cr.RowsAsync($"SELECT {string.Join(", ", columns)} FROM {model.Table} t WHERE t.id = ANY($1)", ct, distinct);
        var byId = rows.ToDictionary(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture));
        var missing = distinct.Where(id => !byId.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            throw OdooRpcException.Missing(model.Name, missing.Select(i => (long)i), cr.Uid);
        }

        var result = new JsonArray();
        foreach (var id in distinct)
        {
            var row = byId[id];
            var record = new JsonObject { ["id"] = id };
            var column = 1;
            foreach (var field in fields)
            {
                if (field.Type == FieldType.Many2one)
                {
                    record[field.Name] = OdooValues.ToJson(field, row[column], row[column + 1]);
                    column += 2;
                }
                else
                {
                    record[field.Name] = OdooValues.ToJson(field, row[column]);
                    column++;
                }
            }

            result.Add(record);
        }

        return result;
    }

    public static async Task<JsonArray> SearchReadAsync(OdooCursor cr, OdooModel model, JsonNode? domain, JsonNode? fields, int offset, int? limit, string? order,
        CancellationToken ct)
    {
        var ids = await SearchAsync(cr, model, domain, offset, limit, order, ct);
        return ids.Count == 0 ? [] : await ReadAsync(cr, model, ids, fields, ct);
    }

    /// <summary>name_search(name, args, operator, limit): <c>[[id, display_name], ...]</c> matching any of the model's name fields.</summary>
    public static async Task<JsonArray> NameSearchAsync(OdooCursor cr, OdooModel model, string name, JsonNode? args, string op, int? limit, CancellationToken ct)
    {
        var parameters = new List<object?>();
        var where = new OdooDomain(parameters).Compile(model, args, "t", ActiveTest(cr));
        if (name.Length > 0 || op is not ("ilike" or "like"))
        {
            var pattern = op switch
            {
                "=" or "=ilike" or "=like" => name,
                _ => "%" + name.Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%",
            };
            parameters.Add(pattern);
            var comparison = op switch { "=" => "=", "like" or "=like" => "LIKE", _ => "ILIKE" };
            var any = string.Join(" OR ", model.NameSearch.Select(s => $"({s.Replace("{t}", "t", StringComparison.Ordinal)})::text {comparison} ${parameters.Count}"));
            where = op.StartsWith("not", StringComparison.Ordinal) ? $"({where}) AND NOT coalesce(({any}), false)" : $"({where}) AND ({any})";
        }

        var sql = $"SELECT t.id, {model.Display("t")} FROM {model.Table} t WHERE {where} ORDER BY {OrderBy(model, null, "t")}"
            + (limit is { } l ? string.Create(CultureInfo.InvariantCulture, $" LIMIT {l}") : "");
        var rows = await cr.RowsAsync(sql, ct, [.. parameters]);
        return [.. rows.Select(r => (JsonNode?)new JsonArray(JsonValue.Create(Convert.ToInt32(r[0], CultureInfo.InvariantCulture)), JsonValue.Create(r[1] as string ?? "")))];
    }

    public static JsonObject FieldsGet(OdooModel model, JsonNode? only, JsonNode? attributes)
    {
        var result = new JsonObject();
        var wanted = only is JsonArray list ? list.Select(OdooValues.String).ToHashSet(StringComparer.Ordinal) : null;
        var attrs = attributes is JsonArray a ? a.Select(OdooValues.String).ToHashSet(StringComparer.Ordinal) : null;
        foreach (var field in model.Fields.Values.Where(f => wanted is null || wanted.Contains(f.Name)))
        {
            var description = new JsonObject
            {
                ["type"] = field.TypeName,
                ["string"] = field.Label,
                ["required"] = field.Required,
                ["readonly"] = field.ReadOnly,
                ["store"] = field.Stored,
                ["searchable"] = true,
                ["sortable"] = field.Stored && !field.IsX2many,
            };
            if (field.Relation is not null)
            {
                description["relation"] = field.Relation;
            }

            if (field.Inverse is not null)
            {
                description["relation_field"] = field.Inverse;
            }

            if (attrs is not null)
            {
                foreach (var key in description.Select(p => p.Key).Where(k => !attrs.Contains(k)).ToList())
                {
                    description.Remove(key);
                }
            }

            result[field.Name] = description;
        }

        return result;
    }

    private static List<OdooField> Fields(OdooModel model, JsonNode? names)
    {
        if (names is not JsonArray list || list.Count == 0)
        {
            return [.. model.ReadableFields.Where(f => f.Name != "id")];
        }

        var fields = new List<OdooField>();
        foreach (var name in list.Select(OdooValues.String))
        {
            if (name == "id")
            {
                continue;
            }

            // Odoo 17 ignores unknown names in read() with a warning; so does the simulator.
            if (name is not null && model.Fields.TryGetValue(name, out var field))
            {
                fields.Add(field);
            }
        }

        return fields;
    }

    /// <summary>An order spec ("name desc, id") as SQL; only the model's fields, as Odoo checks them.</summary>
    public static string OrderBy(OdooModel model, string? order, string alias)
    {
        var parts = new List<string>();
        order = string.IsNullOrWhiteSpace(order) ? model.Order : order;
        foreach (var part in order.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!model.Fields.TryGetValue(words[0].Trim('"'), out var field) || field.IsX2many || words.Length > 3)
            {
                throw OdooRpcException.Value($"Invalid \"order\" specified ({order}). A valid \"order\" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)");
            }

            var direction = words.Length > 1 && words[1].Equals("desc", StringComparison.OrdinalIgnoreCase) ? "DESC" : "ASC";
            var expr = field.Type == FieldType.Many2one && field.Relation is { } rel && OdooModels.All.TryGetValue(rel, out var comodel)
                ? $"(SELECT {comodel.Display("o")} FROM {comodel.Table} o WHERE o.id = {field.Expression(alias)})"
                : field.Expression(alias);
            parts.Add($"{expr} {direction}");
        }

        if (!order.Split(',').Any(p => p.Trim().Split(' ')[0] == "id"))
        {
            parts.Add($"{alias}.id ASC");
        }

        return string.Join(", ", parts);
    }
}
