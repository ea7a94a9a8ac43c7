using System.Text.Json.Nodes;
using CdcBridge.Orders.Odoo;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// The currency Odoo prices the writer's orders in: sale orders take their company's (the writer's user's company)
/// through the default pricelist. The writer sets no pricelist, so an order in another currency would get its amounts
/// read as this one's; it is refused instead. Asked once per writer.
/// </summary>
internal sealed class CompanyCurrency(OdooCalls odoo, OdooJsonRpcClient client)
{
    private string? _code;

    public async Task<string> CodeAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _code) is { } known)
        {
            return known;
        }

        var uid = await client.AuthenticateAsync(ct);
        var user = await odoo.SearchReadAsync("res.users", [new JsonArray("id", "=", uid)], ["company_id"], ct, limit: 1);
        var companyId = (user.FirstOrDefault()?["company_id"] as JsonArray)?[0]?.GetValue<int>()
            ?? throw new OdooFaultException("bad_response", "the writer's Odoo user has no company", isTransient: false);
        var company = await odoo.SearchReadAsync("res.company", [new JsonArray("id", "=", companyId)], ["currency_id"], ct, limit: 1);
        var code = (company.FirstOrDefault()?["currency_id"] as JsonArray)?[1]?.GetValue<string>()
            ?? throw new OdooFaultException("bad_response", "the writer's Odoo company has no currency", isTransient: false);
        Volatile.Write(ref _code, code);
        return code;
    }
}
