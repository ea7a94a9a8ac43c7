using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// account.tax create and write, as a merchant adds or archives a tax in Odoo 17: the field defaults of
/// addons/account/models/account_tax.py (a sale tax, percent, active, sequence 1, excluded from the price) and the
/// creating user's company. Tax groups and countries are outside the simulated schema: a new tax gets the seeded ones
/// (<see cref="SaleTaxes"/>), where Odoo would compute them from the company's fiscal country.
/// </summary>
internal static class AccountTaxes
{
    private static OdooModel Model => OdooModels.All["account.tax"];

    public static async Task<int> CreateAsync(OdooCursor cr, JsonObject vals, CancellationToken ct)
    {
        var (columns, _) = await RecordWriter.ValuesAsync(cr, Model, vals, ct);
        if (columns.GetValueOrDefault("name") is null)
        {
            throw SaleOrders.NotNull(Model, "name");
        }

        columns.TryAdd("company_id", await cr.ScalarAsync<int>("SELECT company_id FROM res_users WHERE id = $1", ct, cr.Uid));
        columns.TryAdd("type_tax_use", "sale");
        columns.TryAdd("amount_type", "percent");
        columns.TryAdd("active", true);
        columns.TryAdd("sequence", 1);
        columns.TryAdd("amount", 0m);
        columns.TryAdd("price_include", false);
        columns.TryAdd("include_base_amount", false);
        columns.TryAdd("is_base_affected", true);
        columns.TryAdd("tax_exigibility", "on_invoice");
        columns.TryAdd("tax_group_id", SaleTaxes.TaxGroupId);
        columns.TryAdd("country_id", SaleTaxes.CountryId);
        return await RecordWriter.InsertAsync(cr, Model, columns, ct);
    }

    public static async Task WriteAsync(OdooCursor cr, IReadOnlyList<int> ids, JsonObject vals, CancellationToken ct)
    {
        await RecordWriter.CheckExistsAsync(cr, Model, [.. ids], ct);
        var (columns, _) = await RecordWriter.ValuesAsync(cr, Model, vals, ct);
        if (columns.Count > 0)
        {
            await RecordWriter.UpdateAsync(cr, Model, [.. ids], columns, ct);
        }
    }
}
