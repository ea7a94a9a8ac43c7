using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// Odoo domains (prefix notation, implicit AND, <c>&amp;</c>/<c>|</c>/<c>!</c>) compiled to SQL over a model's table, with
/// dotted paths through Many2one, One2many and Many2many fields and Odoo's rules for <c>False</c>, <c>like</c> wildcards and
/// the implicit <c>active = True</c>.
/// </summary>
internal sealed class OdooDomain(List<object?> parameters)
{
    private int _aliases;

    public List<object?> Parameters { get; } = parameters;

    public string Compile(OdooModel model, JsonNode? domain, string alias, bool activeTest = true)
    {
        var tokens = domain is JsonArray array ? array.ToList() : [];
        var normalized = Normalize(tokens);
        var sql = normalized.Count == 0 ? "TRUE" : Parse(model, normalized, alias, out _);
        if (activeTest && model.HasActive && !tokens.Any(t => t is JsonArray leaf && leaf.Count == 3 && Path(leaf)[0] == "active"))
        {
            sql = $"({sql}) AND {alias}.active IS TRUE";
        }

        return sql;
    }

    private static List<JsonNode?> Normalize(List<JsonNode?> tokens)
    {
        var result = new List<JsonNode?>();
        var expected = 1;
        foreach (var token in tokens)
        {
            if (expected == 0)
            {
                result.Insert(0, JsonValue.Create("&"));
                expected = 1;
            }

            expected += Operator(token) switch { "&" or "|" => 1, "!" => 0, _ => -1 };
            result.Add(token);
        }

        return result;
    }

    private static string? Operator(JsonNode? token) =>
        token is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string[] Path(JsonArray leaf) => (OdooValues.String(leaf[0]) ?? "").Split('.');

    private string Parse(OdooModel model, List<JsonNode?> tokens, string alias, out int consumed)
    {
        if (tokens.Count == 0)
        {
            throw OdooRpcException.Value("Invalid domain: missing term");
        }

        var op = Operator(tokens[0]);
        if (op is "&" or "|")
        {
            var left = Parse(model, tokens[1..], alias, out var a);
            var right = Parse(model, tokens[(1 + a)..], alias, out var b);
            consumed = 1 + a + b;
            return $"(({left}) {(op == "&" ? "AND" : "OR")} ({right}))";
        }

        if (op == "!")
        {
            var inner = Parse(model, tokens[1..], alias, out var a);
            consumed = 1 + a;
            return $"(NOT coalesce(({inner}), false))";
        }

        consumed = 1;
        if (tokens[0] is not JsonArray leaf || leaf.Count != 3)
        {
            throw OdooRpcException.Value($"Invalid leaf {OdooValues.Describe(tokens[0])}");
        }

        if (leaf[0] is JsonValue first && first.GetValueKind() == JsonValueKind.Number)
        {
            // TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1)
            return OdooValues.Int(leaf[0], "leaf") == OdooValues.Int(leaf[2], "leaf") ? "TRUE" : "FALSE";
        }

        return Leaf(model, Path(leaf), OdooValues.String(leaf[1]) ?? "=", leaf[2], alias, leaf);
    }

    private string Leaf(OdooModel model, string[] path, string op, JsonNode? value, string alias, JsonArray leaf)
    {
        if (!model.Fields.TryGetValue(path[0], out var field))
        {
            throw OdooRpcException.Value($"Invalid field {model.Name}.{path[0]} in leaf {Python(leaf)}");
        }

        if (path.Length > 1 || field.IsX2many)
        {
            if (field.Relation is null || !OdooModels.All.TryGetValue(field.Relation, out var comodel))
            {
                throw OdooRpcException.Value($"Invalid field {model.Name}.{string.Join('.', path)} in leaf {Python(leaf)}");
            }

            var sub = "t" + (++_aliases).ToString(CultureInfo.InvariantCulture);
            var rest = path.Length > 1 ? path[1..] : ["id"];
            var condition = Leaf(comodel, rest, op, value, sub, leaf);
            return field.Type switch
            {
                FieldType.One2many => $"{alias}.id IN (SELECT {sub}.{field.Inverse} FROM {comodel.Table} {sub} WHERE {condition})",
                FieldType.Many2many => $"{alias}.id IN (SELECT r{sub}.{field.Column1} FROM {field.RelationTable} r{sub} JOIN {comodel.Table} {sub} "
                    + $"ON {sub}.id = r{sub}.{field.Column2} WHERE {condition})",
                _ => $"{field.Expression(alias)} IN (SELECT {sub}.id FROM {comodel.Table} {sub} WHERE {condition})",
            };
        }

        var expr = field.Expression(alias);
        if (field.Type == FieldType.Many2one && value is JsonValue text && text.GetValueKind() == JsonValueKind.String
            && OdooModels.All.TryGetValue(field.Relation!, out var target))
        {
            // A name instead of an id: Odoo name-searches the comodel.
            var sub = "t" + (++_aliases).ToString(CultureInfo.InvariantCulture);
            var match = Compare(target.Display(sub), FieldType.Char, op is "=" or "!=" ? "=" : op.Replace("not ", "", StringComparison.Ordinal), value);
            var inside = $"{expr} IN (SELECT {sub}.id FROM {target.Table} {sub} WHERE {match})";
            return op is "!=" or "not like" or "not ilike" ? $"NOT coalesce({inside}, false)" : inside;
        }

        return Compare(expr, field.Type, op, value);
    }

    private string Compare(string expr, FieldType type, string op, JsonNode? value)
    {
        switch (op)
        {
            case "=" or "!=" or "<>" when OdooValues.IsFalse(value) && type != FieldType.Boolean:
                return op == "=" ? $"{expr} IS NULL" : $"{expr} IS NOT NULL";
            case "=" or "!=" or "<>" when type == FieldType.Boolean:
                var wanted = OdooValues.Bool(value) == (op == "=");
                return wanted ? $"{expr} IS TRUE" : $"{expr} IS NOT TRUE";
            case "=":
                return $"{expr} = {Param(type, value)}";
            case "!=" or "<>":
                return $"({expr} <> {Param(type, value)} OR {expr} IS NULL)";
            case "<" or ">" or "<=" or ">=":
                return $"{expr} {op} {Param(type, value)}";
            case "in" or "not in":
                var items = value is JsonArray list ? list.ToList() : [value];
                var values = items.Where(i => !OdooValues.IsFalse(i) || type == FieldType.Boolean).ToList();
                var hasFalse = items.Count != values.Count;
                var any = values.Count == 0 ? "FALSE" : $"{expr} = ANY({ArrayParam(type, values)})";
                var sql = hasFalse ? $"({any} OR {expr} IS NULL)" : any;
                return op == "in" ? sql : $"NOT coalesce({sql}, false)";
            case "like" or "ilike" or "not like" or "not ilike" or "=like" or "=ilike":
                var pattern = OdooValues.String(value) ?? "";
                if (!op.StartsWith('='))
                {
                    pattern = "%" + pattern.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                        .Replace("_", "\\_", StringComparison.Ordinal) + "%";
                }

                Parameters.Add(pattern);
                var like = op.Contains("ilike", StringComparison.Ordinal) ? "ILIKE" : "LIKE";
                var test = $"{expr}::text {like} ${Parameters.Count}";
                return op.StartsWith("not", StringComparison.Ordinal) ? $"({expr} IS NULL OR NOT ({test}))" : test;
            default:
                throw OdooRpcException.Value($"Invalid operator '{op}'");
        }
    }

    private string Param(FieldType type, JsonNode? value)
    {
        Parameters.Add(type switch
        {
            FieldType.Integer or FieldType.Many2one => (object)OdooValues.Int(value, "domain"),
            FieldType.Float or FieldType.Monetary => OdooValues.Decimal(value, "domain"),
            _ => OdooValues.String(value) ?? "",
        });
        var cast = type switch { FieldType.Date => "::date", FieldType.Datetime => "::timestamp", _ => "" };
        return "$" + Parameters.Count.ToString(CultureInfo.InvariantCulture) + cast;
    }

    private string ArrayParam(FieldType type, List<JsonNode?> values)
    {
        Parameters.Add(type switch
        {
            FieldType.Integer or FieldType.Many2one => (object)values.Select(v => OdooValues.Int(v, "domain")).ToArray(),
            FieldType.Float or FieldType.Monetary => values.Select(v => OdooValues.Decimal(v, "domain")).ToArray(),
            FieldType.Boolean => values.Select(OdooValues.Bool).ToArray(),
            _ => values.Select(v => OdooValues.String(v) ?? "").ToArray(),
        });
        var cast = type switch { FieldType.Date => "::date[]", FieldType.Datetime => "::timestamp[]", _ => "" };
        return "$" + Parameters.Count.ToString(CultureInfo.InvariantCulture) + cast;
    }

    /// <summary>A leaf as Python prints the tuple, for Odoo's error messages.</summary>
    private static string Python(JsonArray leaf)
    {
        var builder = new StringBuilder("(");
        for (var i = 0; i < leaf.Count; i++)
        {
            builder.Append(i > 0 ? ", " : "");
            builder.Append(leaf[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? "'" + v.GetValue<string>() + "'" : OdooValues.Describe(leaf[i]));
        }

        return builder.Append(')').ToString();
    }
}
