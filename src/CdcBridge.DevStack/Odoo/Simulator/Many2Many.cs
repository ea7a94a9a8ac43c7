using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// Many2many fields over their relation tables, as Odoo 17's <c>Many2many.write_real</c> applies commands: set (6),
/// link (4), unlink (3) and clear (5). Creating or updating comodel records through the field (0, 1) and deleting them
/// (2) are not simulated.
/// </summary>
internal static class Many2Many
{
    /// <summary>The ids the record holds, in id order.</summary>
    public static async Task<List<int>> ReadAsync(OdooCursor cr, OdooField field, int id, CancellationToken ct) =>
        await cr.IdsAsync($"SELECT {field.Column2} FROM {field.RelationTable} WHERE {field.Column1} = $1 ORDER BY {field.Column2}", ct, id);

    /// <summary>The set after <paramref name="commands"/>; a linked id that does not exist is Odoo's MissingError.</summary>
    public static async Task<List<int>> ApplyAsync(OdooCursor cr, OdooField field, IReadOnlyList<int> current, JsonArray commands, CancellationToken ct)
    {
        var ids = new List<int>(current);
        foreach (var (code, id, values) in RecordWriter.Commands(field.Name, commands))
        {
            switch (code)
            {
                case 6:
                    ids = [.. (values as JsonArray ?? []).Select(v => OdooValues.Int(v, field.Name)).Distinct()];
                    break;
                case 4 when !ids.Contains(id):
                    ids.Add(id);
                    break;
                case 4:
                    break;
                case 3:
                    ids.Remove(id);
                    break;
                case 5:
                    ids.Clear();
                    break;
                default:
                    throw OdooRpcException.NotSimulated($"command ({code}, ...) on the many2many {field.Name}");
            }
        }

        await RecordWriter.CheckExistsAsync(cr, OdooModels.All[field.Relation!], ids, ct);
        return ids;
    }

    /// <summary>Makes the relation table hold exactly <paramref name="ids"/> for the record.</summary>
    public static async Task SetAsync(OdooCursor cr, OdooField field, int id, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        await cr.ExecuteAsync($"DELETE FROM {field.RelationTable} WHERE {field.Column1} = $1", ct, id);
        if (ids.Count > 0)
        {
            await cr.ExecuteAsync($"INSERT INTO {field.RelationTable} ({field.Column1}, {field.Column2}) SELECT $1, unnest($2::int4[])", ct, id, ids.Distinct().ToArray());
        }
    }
}
