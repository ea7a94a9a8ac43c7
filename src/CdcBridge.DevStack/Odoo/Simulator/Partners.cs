using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// res.partner create and write as Odoo 17 computes them: defaults, email_normalized, complete_name ("Parent, Delivery
/// Address" for a nameless address), commercial_partner_id, and child contacts through <c>child_ids</c> commands.
/// </summary>
internal static partial class Partners
{
    private static OdooModel Model => OdooModels.All["res.partner"];

    public static async Task<int> CreateAsync(OdooCursor cr, JsonObject vals, CancellationToken ct)
    {
        var (columns, commands) = await RecordWriter.ValuesAsync(cr, Model, vals, ct);
        columns.TryAdd("type", "contact");
        columns.TryAdd("active", true);
        columns.TryAdd("is_company", false);
        columns.TryAdd("customer_rank", 0);
        columns.TryAdd("supplier_rank", 0);
        columns.TryAdd("partner_share", true);
        columns.TryAdd("employee", false);
        columns.TryAdd("lang", cr.Context["lang"] is JsonValue lang ? lang.ToString() : "en_US");
        if (columns.TryGetValue("email", out var email))
        {
            columns["email_normalized"] = NormalizeEmail(email as string);
        }

        var id = await RecordWriter.InsertAsync(cr, Model, columns, ct);
        await ComputeAsync(cr, id, ct);
        if (commands.TryGetValue("child_ids", out var children))
        {
            await ChildCommandsAsync(cr, id, children, ct);
        }

        return id;
    }

    public static async Task WriteAsync(OdooCursor cr, IReadOnlyList<int> ids, JsonObject vals, CancellationToken ct)
    {
        await RecordWriter.CheckExistsAsync(cr, Model, ids, ct);
        var (columns, commands) = await RecordWriter.ValuesAsync(cr, Model, vals, ct);
        if (columns.TryGetValue("email", out var email))
        {
            columns["email_normalized"] = NormalizeEmail(email as string);
        }

        if (columns.Count > 0)
        {
            await RecordWriter.UpdateAsync(cr, Model, ids, columns, ct);
        }

        foreach (var id in ids)
        {
            await ComputeAsync(cr, id, ct);
            if (commands.TryGetValue("child_ids", out var children))
            {
                await ChildCommandsAsync(cr, id, children, ct);
            }

            foreach (var child in await cr.IdsAsync("SELECT id FROM res_partner WHERE parent_id = $1", ct, id))
            {
                await ComputeAsync(cr, child, ct);
            }
        }
    }

    private static async Task ChildCommandsAsync(OdooCursor cr, int parentId, JsonArray commands, CancellationToken ct)
    {
        foreach (var (code, id, values) in RecordWriter.Commands("child_ids", commands))
        {
            switch (code)
            {
                case 0:
                    var child = (values as JsonObject)?.DeepClone().AsObject() ?? [];
                    child["parent_id"] = parentId;
                    await CreateAsync(cr, child, ct);
                    break;
                case 1:
                    await WriteAsync(cr, [id], values as JsonObject ?? [], ct);
                    break;
                case 2:
                    await cr.ExecuteAsync("DELETE FROM res_partner WHERE id = $1 AND parent_id = $2", ct, id, parentId);
                    break;
                case 3:
                    await cr.ExecuteAsync("UPDATE res_partner SET parent_id = NULL WHERE id = $1 AND parent_id = $2", ct, id, parentId);
                    await ComputeAsync(cr, id, ct);
                    break;
                case 4:
                    await cr.ExecuteAsync("UPDATE res_partner SET parent_id = $2 WHERE id = $1", ct, id, parentId);
                    await ComputeAsync(cr, id, ct);
                    break;
                default:
                    throw OdooRpcException.NotSimulated($"command ({code}, ...) on res.partner.child_ids");
            }
        }
    }

    /// <summary>complete_name, commercial_partner_id and commercial_company_name, as Odoo 17's computes.</summary>
    private static async Task ComputeAsync(OdooCursor cr, int id, CancellationToken ct)
    {
        var row = (await cr.RowAsync(
            """
            SELECT p.name, p.type, p.is_company, p.company_name, p.parent_id, pp.name, coalesce(pp.commercial_partner_id, pp.id), cp.is_company, cp.name
            FROM res_partner p LEFT JOIN res_partner pp ON pp.id = p.parent_id
            LEFT JOIN res_partner cp ON cp.id = coalesce(pp.commercial_partner_id, pp.id)
            WHERE p.id = $1
            """, ct, id))!;
        var (name, type, isCompany, companyName, parentId, parentName) = (row[0] as string ?? "", row[1] as string, row[2] as bool? ?? false, row[3] as string,
            row[4] as int?, row[5] as string);
        var commercial = isCompany || parentId is null ? id : (int)row[6]!;
        var commercialName = commercial == id ? (isCompany ? name : null) : (row[7] as bool? ?? false) ? row[8] as string : null;
        if (companyName is not null || parentId is not null)
        {
            if (name.Length == 0 && type is "invoice" or "delivery" or "other")
            {
                name = type switch { "invoice" => "Invoice Address", "delivery" => "Delivery Address", _ => "Other Address" };
            }

            if (!isCompany)
            {
                name = $"{commercialName ?? parentName}, {name}";
            }
        }

        await cr.ExecuteAsync("UPDATE res_partner SET complete_name = $2, commercial_partner_id = $3, commercial_company_name = $4 WHERE id = $1", ct,
            id, name.Trim(), commercial, (object?)commercialName ?? new Npgsql.NpgsqlParameter { Value = DBNull.Value });
    }

    [GeneratedRegex(@"[^\s<>,;""']+@[^\s<>,;""']+")]
    private static partial Regex EmailPattern();

    /// <summary>Odoo's <c>email_normalize</c>: the one address in the text, lower-cased; false when there is none or several.</summary>
    public static string? NormalizeEmail(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var matches = EmailPattern().Matches(text);
        return matches.Count == 1 ? matches[0].Value.ToLowerInvariant() : null;
    }
}
