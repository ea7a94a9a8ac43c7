using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>Plain inserts and updates of a model's stored fields, with Odoo's checks on the values a client sends.</summary>
internal static class RecordWriter
{
    /// <summary>
    /// Splits create/write values into stored columns and x2many commands; an unknown field is Odoo's ValueError, a
    /// Many2one to a record that does not exist is the MissingError Odoo's computes raise when they read it. A many2many
    /// given False or a bare id list becomes the command Odoo's <c>write_batch</c> makes of it: clear (5) or set (6).
    /// </summary>
    public static async Task<(Dictionary<string, object?> Columns, Dictionary<string, JsonArray> Commands)> ValuesAsync(
        OdooCursor cr, OdooModel model, JsonObject vals, CancellationToken ct)
    {
        var columns = new Dictionary<string, object?>(StringComparer.Ordinal);
        var commands = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        foreach (var (name, value) in vals)
        {
            if (!model.Fields.TryGetValue(name, out var field))
            {
                throw OdooRpcException.Value($"Invalid field '{name}' on model '{model.Name}'");
            }

            if (field.Type == FieldType.One2many)
            {
                if (field.ReadOnly)
                {
                    continue;
                }

                commands[name] = value as JsonArray ?? throw OdooRpcException.Value($"Wrong value for {model.Name}.{name}: {OdooValues.Describe(value)}");
                continue;
            }

            if (field.Type == FieldType.Many2many)
            {
                if (!field.ReadOnly)
                {
                    commands[name] = Many2ManyCommands(model, name, value);
                }

                continue;
            }

            if (field.ReadOnly || !field.Stored)
            {
                continue; // Odoo ignores values for computed fields without an inverse
            }

            var column = OdooValues.ToColumn(field, value);
            if (field.Type == FieldType.Many2one && column is int id && field.Relation is { } rel && OdooModels.All.TryGetValue(rel, out var comodel))
            {
                await CheckExistsAsync(cr, comodel, [id], ct);
            }

            columns[field.Column!] = field.Translated && column is string text ? Translation(text) : column;
        }

        return (columns, commands);
    }

    private static JsonArray Many2ManyCommands(OdooModel model, string name, JsonNode? value) => value switch
    {
        _ when OdooValues.IsFalse(value) => [new JsonArray(5)],
        JsonArray ids when ids.All(i => i is JsonValue) => [new JsonArray(6, 0, ids.DeepClone())],
        JsonArray commands => commands,
        _ => throw OdooRpcException.Value($"Wrong value for {model.Name}.{name}: {OdooValues.Describe(value)}"),
    };

    /// <summary>A translated char as Odoo 17 stores it when written in en_US: jsonb <c>{"en_US": ...}</c>.</summary>
    private static NpgsqlParameter Translation(string text) =>
        new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb, Value = new JsonObject { ["en_US"] = text }.ToJsonString() };

    public static async Task CheckExistsAsync(OdooCursor cr, OdooModel model, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var found = await cr.IdsAsync($"SELECT id FROM {model.Table} WHERE id = ANY($1)", ct, ids.Distinct().ToArray());
        var missing = ids.Where(i => !found.Contains(i)).Distinct().ToList();
        if (missing.Count > 0)
        {
            throw OdooRpcException.Missing(model.Name, missing.Select(i => (long)i), cr.Uid);
        }
    }

    public static async Task<int> InsertAsync(OdooCursor cr, OdooModel model, IReadOnlyDictionary<string, object?> columns, CancellationToken ct, int? asUser = null)
    {
        var names = columns.Keys.ToList();
        var values = names.Select((_, i) => "$" + (i + 1).ToString(CultureInfo.InvariantCulture)).ToList();
        var user = "$" + (names.Count + 1).ToString(CultureInfo.InvariantCulture);
        var sql = $"INSERT INTO {model.Table} ({string.Join(", ", names.Append("create_uid").Append("create_date").Append("write_uid").Append("write_date"))}) "
            + $"VALUES ({string.Join(", ", values.Append(user).Append(OdooCursor.Now).Append(user).Append(OdooCursor.Now))}) RETURNING id";
        return await cr.ScalarAsync<int>(sql, ct, [.. names.Select(n => Parameter(columns[n])), asUser ?? cr.Uid]);
    }

    public static async Task UpdateAsync(OdooCursor cr, OdooModel model, IReadOnlyCollection<int> ids, IReadOnlyDictionary<string, object?> columns, CancellationToken ct)
    {
        var names = columns.Keys.ToList();
        var sets = names.Select((n, i) => $"{n} = ${(i + 1).ToString(CultureInfo.InvariantCulture)}").ToList();
        var user = "$" + (names.Count + 1).ToString(CultureInfo.InvariantCulture);
        var idsParam = "$" + (names.Count + 2).ToString(CultureInfo.InvariantCulture);
        sets.Add($"write_uid = {user}");
        sets.Add($"write_date = {OdooCursor.Now}");
        await cr.ExecuteAsync($"UPDATE {model.Table} SET {string.Join(", ", sets)} WHERE id = ANY({idsParam})", ct,
            [.. names.Select(n => Parameter(columns[n])), cr.Uid, ids.ToArray()]);
    }

    /// <summary>Null values as typeless parameters: PostgreSQL types them from the column they go into.</summary>
    private static object Parameter(object? value) => value ?? new NpgsqlParameter { Value = DBNull.Value };

    /// <summary>Command tuples of an x2many value, each as (code, id, values).</summary>
    public static IEnumerable<(int Code, int Id, JsonNode? Values)> Commands(string field, JsonArray commands)
    {
        foreach (var command in commands)
        {
            if (command is not JsonArray tuple || tuple.Count == 0)
            {
                // A bare id list is (6, 0, ids) for many2many only; Odoo rejects it on one2many.
                throw OdooRpcException.Value($"Wrong value for {field}: {OdooValues.Describe(command)}");
            }

            var code = OdooValues.Int(tuple[0], field);
            var id = tuple.Count > 1 && OdooValues.TryInt(tuple[1], out var i) ? i : 0;
            yield return (code, id, tuple.Count > 2 ? tuple[2] : null);
        }
    }
}
