using System.Text.Json.Nodes;
using CdcBridge.Orders.Odoo;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// The Odoo company the writer's orders belong to: sale orders take the writer's user's company, and through its
/// default pricelist that company's currency. The writer sets no pricelist, so an order in another currency would get
/// its amounts read as this one's (it is refused instead), and it looks up sale taxes of this company only. Asked once
/// per writer.
/// </summary>
internal sealed class WriterCompany(OdooCalls odoo, OdooJsonRpcClient client)
{
    private Known? _known;

    public async Task<int> IdAsync(CancellationToken ct) => (await KnownAsync(ct)).Id;

    /// <summary>The ISO 4217 code of the company's currency.</summary>
    public async Task<string> CurrencyAsync(CancellationToken ct) => (await KnownAsync(ct)).Currency;

    private async Task<Known> KnownAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _known) is { } known)
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
        known = new Known(companyId, code);
        Volatile.Write(ref _known, known);
        return known;
    }

    private sealed record Known(int Id, string Currency);
}
