using System.Globalization;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// External identifiers (ir.model.data, unique on (module, name)) and <c>Model.load(fields, rows)</c>: rows whose
/// <c>id</c> column names an existing external id update that record, the others create one and register the id. Two
/// concurrent loads of one new id race on the unique index; under REPEATABLE READ the loser fails to serialize, is
/// retried like any Odoo call, and then finds the id and updates. Data errors come back as messages, not exceptions.
/// </summary>
internal static class ExternalIds
{
    public const string ImportModule = "__import__";

    public static (string Module, string Name) Split(string xmlid)
    {
        var dot = xmlid.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (ImportModule, xmlid) : (xmlid[..dot], xmlid[(dot + 1)..]);
    }

    public static async Task<(string Model, int ResId)?> LookupAsync(OdooCursor cr, string xmlid, CancellationToken ct)
    {
        var (module, name) = Split(xmlid);
        var row = await cr.RowAsync("SELECT model, res_id FROM ir_model_data WHERE module = $1 AND name = $2", ct, module, name);
        return row is null || row[1] is null ? null : ((string)row[0]!, (int)row[1]!);
    }

    /// <summary>check_object_reference(module, xml_id): <c>[model, res_id]</c>, or Odoo's ValueError when unknown.</summary>
    public static async Task<JsonArray> CheckObjectReferenceAsync(OdooCursor cr, string module, string name, CancellationToken ct)
    {
        var found = await LookupAsync(cr, module + "." + name, ct) ?? throw OdooRpcException.Value($"External ID not found in the system: {module}.{name}");
        var model = OdooModels.All.GetValueOrDefault(found.Model);
        if (model is not null && await cr.ScalarAsync<int?>($"SELECT id FROM {model.Table} WHERE id = $1", ct, found.ResId) is null)
        {
            throw OdooRpcException.Value($"External ID not found in the system: {module}.{name}");
        }

        return [found.Model, found.ResId];
    }

    /// <summary>_update_xmlids: insert, or point the existing id at the record (ON CONFLICT on the unique index).</summary>
    public static async Task RegisterAsync(OdooCursor cr, string xmlid, string model, int resId, CancellationToken ct)
    {
        var (module, name) = Split(xmlid);
        await cr.ExecuteAsync(
            $"""
            INSERT INTO ir_model_data (module, name, model, res_id, noupdate, create_uid, create_date, write_uid, write_date)
            VALUES ($1, $2, $3, $4, false, $5, {OdooCursor.Now}, $5, {OdooCursor.Now})
            ON CONFLICT (module, name) DO UPDATE SET model = EXCLUDED.model, res_id = EXCLUDED.res_id, write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
            """, ct, module, name, model, resId, cr.Uid);
    }

    /// <summary>load(fields, data) for the models the simulator can create and write.</summary>
    public static async Task<JsonObject> LoadAsync(OdooCursor cr, OdooModel model, JsonArray fieldNames, JsonArray data, CancellationToken ct)
    {
        var columns = fieldNames.Select(f => (OdooValues.String(f) ?? "").Split('/')).ToList();
        var messages = new JsonArray();
        var ids = new JsonArray();
        foreach (var path in columns)
        {
            if (path[0] is not ("id" or ".id") && !model.Fields.ContainsKey(path[0]))
            {
                messages.Add(Message($"Unknown field '{string.Join('/', path)}' on model '{model.Name}'", 0, 0, 0, path[0]));
            }
        }

        if (messages.Count > 0)
        {
            return new JsonObject { ["ids"] = false, ["messages"] = messages, ["nextrow"] = 0 };
        }

        var rows = data.Select(r => (r as JsonArray ?? []).Select(OdooValues.String).ToArray()).ToList();
        var own = columns.Select((p, i) => (p, i)).Where(c => !IsOne2many(model, c.p[0])).Select(c => c.i).ToList();
        await cr.SavepointAsync("model_load", ct);
        var index = 0;
        for (var start = 0; start < rows.Count; index++)
        {
            var end = start + 1;
            while (end < rows.Count && own.All(i => string.IsNullOrEmpty(Cell(rows[end], i))))
            {
                end++;
            }

            await cr.SavepointAsync("model_load_save", ct);
            try
            {
                ids.Add(await LoadRecordAsync(cr, model, columns, rows[start..end], ct));
                await cr.ReleaseAsync("model_load_save", ct);
            }
            catch (Exception e) when (e is OdooRpcException or Npgsql.PostgresException)
            {
                // As Odoo 17's load: a UserError or any psycopg2 error (a serialization failure included) becomes the record's
                // message; the savepoint is rolled back and the whole load answers ids=false. No server-side retry here.
                await cr.RollbackToAsync("model_load_save", ct);
                messages.Add(Message(e is Npgsql.PostgresException pg ? pg.MessageText + "\n" : e.Message, index, start, end - 1, null));
            }

            start = end;
        }

        if (messages.Count > 0)
        {
            await cr.RollbackToAsync("model_load", ct);
            return new JsonObject { ["ids"] = false, ["messages"] = messages, ["nextrow"] = 0 };
        }

        return new JsonObject { ["ids"] = ids, ["messages"] = messages, ["nextrow"] = 0 };
    }

    private static string? Cell(string?[] row, int i) => i < row.Length ? row[i] : null;

    private static bool IsOne2many(OdooModel model, string field) => model.Fields.TryGetValue(field, out var f) && f.Type == FieldType.One2many;

    private static JsonObject Message(string text, int record, int from, int to, string? field)
    {
        var message = new JsonObject
        {
            ["type"] = "error",
            ["message"] = text,
            ["record"] = record,
            ["rows"] = new JsonObject { ["from"] = from, ["to"] = to },
        };
        if (field is not null)
        {
            message["field"] = field;
        }

        return message;
    }

    private static async Task<int> LoadRecordAsync(OdooCursor cr, OdooModel model, List<string[]> columns, List<string?[]> rows, CancellationToken ct)
    {
        string? xmlid = null;
        int? dbId = null;
        var vals = new JsonObject();
        var subRecords = new Dictionary<string, List<(string? Xmlid, int? DbId, JsonObject Vals)>>(StringComparer.Ordinal);
        for (var c = 0; c < columns.Count; c++)
        {
            var path = columns[c];
            if (IsOne2many(model, path[0]))
            {
                continue;
            }

            var cell = Cell(rows[0], c);
            if (path[0] == "id")
            {
                xmlid = string.IsNullOrEmpty(cell) ? null : cell;
            }
            else if (path[0] == ".id")
            {
                dbId = string.IsNullOrEmpty(cell) ? null : int.Parse(cell, CultureInfo.InvariantCulture);
            }
            else
            {
                await ConvertAsync(cr, model, path, cell, vals, ct);
            }
        }

        // One2many columns: each row of the record with a value in them is one sub-record.
        foreach (var group in columns.Select((p, i) => (p, i)).Where(c => IsOne2many(model, c.p[0])).GroupBy(c => c.p[0]))
        {
            var field = model.Fields[group.Key];
            var comodel = OdooModels.All[field.Relation!];
            var list = subRecords[group.Key] = [];
            foreach (var row in rows)
            {
                if (group.All(c => string.IsNullOrEmpty(Cell(row, c.i))))
                {
                    continue;
                }

                string? subXmlid = null;
                int? subId = null;
                var sub = new JsonObject();
                foreach (var (p, i) in group)
                {
                    var rest = p[1..];
                    var cell = Cell(row, i);
                    if (rest.Length == 1 && rest[0] == "id")
                    {
                        subXmlid = string.IsNullOrEmpty(cell) ? null : cell;
                    }
                    else if (rest.Length == 1 && rest[0] == ".id")
                    {
                        subId = string.IsNullOrEmpty(cell) ? null : int.Parse(cell, CultureInfo.InvariantCulture);
                    }
                    else if (rest.Length > 0)
                    {
                        if (!comodel.Fields.ContainsKey(rest[0]))
                        {
                            throw OdooRpcException.Value($"Unknown field '{string.Join('/', p)}' on model '{model.Name}'");
                        }

                        await ConvertAsync(cr, comodel, rest, cell, sub, ct);
                    }
                }

                list.Add((subXmlid, subId, sub));
            }
        }

        var existing = dbId;
        if (existing is null && xmlid is not null && await LookupAsync(cr, xmlid, ct) is { } found && found.Model == model.Name
            && await cr.ScalarAsync<int?>($"SELECT id FROM {model.Table} WHERE id = $1", ct, found.ResId) is { } live)
        {
            existing = live;
        }

        // Sub-records with a known external id are updated, the others created (Odoo's converter makes the same commands).
        var pending = new List<(string Field, string Xmlid, int Created)>();
        var creates = 0;
        foreach (var (name, list) in subRecords)
        {
            var commands = new JsonArray();
            var comodel = OdooModels.All[model.Fields[name].Relation!];
            foreach (var (subXmlid, subId, sub) in list)
            {
                var target = subId ?? (subXmlid is not null && await LookupAsync(cr, subXmlid, ct) is { } f && f.Model == comodel.Name ? f.ResId : null);
                if (target is { } t && existing is not null)
                {
                    commands.Add(new JsonArray(1, t, sub));
                }
                else
                {
                    if (subXmlid is not null)
                    {
                        pending.Add((name, subXmlid, creates));
                    }

                    creates++;
                    commands.Add(new JsonArray(0, 0, sub));
                }
            }

            vals[name] = commands;
        }

        int id;
        var created = new List<int>();
        if (existing is { } update)
        {
            await WriteAsync(cr, model, update, vals, created, ct);
            id = update;
        }
        else
        {
            id = await CreateAsync(cr, model, vals, created, ct);
        }

        if (xmlid is not null)
        {
            await RegisterAsync(cr, xmlid, model.Name, id, ct);
        }

        // New sub-records get their external ids (the create commands ran in order; sale order lines only).
        foreach (var (field, subXmlid, index) in pending.Where(p => p.Created < created.Count))
        {
            await RegisterAsync(cr, subXmlid, model.Fields[field].Relation!, created[index], ct);
        }

        return id;
    }

    private static async Task<int> CreateAsync(OdooCursor cr, OdooModel model, JsonObject vals, List<int> createdLines, CancellationToken ct) => model.Name switch
    {
        "sale.order" => await SaleOrderCreateAsync(cr, vals, createdLines, ct),
        "res.partner" => await Partners.CreateAsync(cr, vals, ct),
        _ => throw OdooRpcException.NotSimulated($"load() on {model.Name}"),
    };

    private static async Task<int> SaleOrderCreateAsync(OdooCursor cr, JsonObject vals, List<int> createdLines, CancellationToken ct)
    {
        var lines = vals["order_line"] as JsonArray;
        vals.Remove("order_line");
        var id = await SaleOrders.CreateAsync(cr, vals, ct);
        if (lines is not null)
        {
            await SaleOrders.LineCommandsAsync(cr, id, lines, ct, createdLines);
            await SaleOrders.AmountsAsync(cr, id, ct);
        }

        return id;
    }

    private static async Task WriteAsync(OdooCursor cr, OdooModel model, int id, JsonObject vals, List<int> createdLines, CancellationToken ct)
    {
        switch (model.Name)
        {
            case "sale.order":
                var lines = vals["order_line"] as JsonArray;
                vals.Remove("order_line");
                await SaleOrders.WriteAsync(cr, [id], vals, ct);
                if (lines is not null)
                {
                    await SaleOrders.LineCommandsAsync(cr, id, lines, ct, createdLines);
                    await SaleOrders.AmountsAsync(cr, id, ct);
                }

                break;
            case "res.partner":
                await Partners.WriteAsync(cr, [id], vals, ct);
                break;
            default:
                throw OdooRpcException.NotSimulated($"load() on {model.Name}");
        }
    }

    /// <summary>
    /// One cell through Odoo's import converters (odoo/addons/base/models/ir_fields.py): scalars from text; Many2one by
    /// name, external id (/id) or database id (/.id); Many2many the same, comma-separated, as one set command (6).
    /// An empty cell is False (<c>for_model</c>), which empties a many2many.
    /// </summary>
    private static async Task ConvertAsync(OdooCursor cr, OdooModel model, string[] path, string? cell, JsonObject vals, CancellationToken ct)
    {
        var field = model.Fields[path[0]];
        if (string.IsNullOrEmpty(cell))
        {
            vals[field.Name] = false;
            return;
        }

        if (field.Type == FieldType.Many2one)
        {
            vals[field.Name] = await ReferenceAsync(cr, field, path, cell, ct);
            return;
        }

        if (field.Type == FieldType.Many2many)
        {
            var ids = new JsonArray();
            foreach (var reference in cell.Split(','))
            {
                ids.Add(await ReferenceAsync(cr, field, path, reference, ct));
            }

            vals[field.Name] = new JsonArray(new JsonArray(6, 0, ids));
            return;
        }

        vals[field.Name] = field.Type switch
        {
            FieldType.Integer => int.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
                : throw OdooRpcException.Value($"'{cell}' does not seem to be an integer for field '{field.Label}'"),
            FieldType.Float or FieldType.Monetary => decimal.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                : throw OdooRpcException.Value($"'{cell}' does not seem to be a number for field '{field.Label}'"),
            FieldType.Boolean => OdooValues.Bool(cell),
            _ => cell,
        };
    }

    /// <summary><c>db_id_for</c>: the comodel record a cell names by name, external id (/id) or database id (/.id).</summary>
    private static async Task<int> ReferenceAsync(OdooCursor cr, OdooField field, string[] path, string cell, CancellationToken ct)
    {
        var comodel = OdooModels.All[field.Relation!];
        var mode = path.Length > 1 ? path[1] : "";
        int? id = mode switch
        {
            "id" => await LookupAsync(cr, cell, ct) is { } f && f.Model == comodel.Name ? f.ResId : null,
            ".id" => int.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
                && await cr.ScalarAsync<int?>($"SELECT id FROM {comodel.Table} WHERE id = $1", ct, i) is { } found ? found : null,
            _ => await cr.ScalarAsync<int?>($"SELECT t.id FROM {comodel.Table} t WHERE {comodel.Display("t")} = $1 ORDER BY t.id LIMIT 1", ct, cell),
        };
        return id ?? throw OdooRpcException.Value(
            $"No matching record found for {(mode == "id" ? "external id" : mode == ".id" ? "database id" : "name")} '{cell}' in field '{field.Label}'");
    }
}
