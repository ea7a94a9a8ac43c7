using System.Text.Json;
using Npgsql;

namespace CdcBridge.DevStack.Odoo;

/// <summary>One seeded account.tax; <see cref="Amount"/> in percent, as Odoo keeps it.</summary>
public sealed record SaleTax(int Id, string Name, string TypeTaxUse, decimal Amount, bool PriceInclude);

/// <summary>
/// The retailer's taxes, as a chart of accounts leaves them in Odoo: percent sale taxes at 0 %, 6 % (the rate the
/// Shopify simulator charges, <c>SimulatorPricing.TaxRate</c>, so its orders are written, not parked) and 15 % (Odoo's
/// generic chart's sale tax), the 15 % once more included in the price, and a 15 % purchase tax the order writer must
/// never pick. The seeded products get no Customer Taxes (<c>product_taxes_rel</c> stays empty), so sale lines that
/// other flows create without <c>tax_id</c> keep the untaxed amounts they always had.
/// </summary>
public static class SaleTaxes
{
    /// <summary>The tax group of every seeded tax (account_tax_group is outside the simulated schema).</summary>
    public const int TaxGroupId = 1;

    /// <summary>The United States in Odoo's base data (<c>base.us</c>); res_country is outside the simulated schema.</summary>
    public const int CountryId = 233;

    public static readonly SaleTax Exempt = new(1, "0% Exempt", "sale", 0m, false);

    public static readonly SaleTax Reduced = new(2, "6%", "sale", 6m, false);

    public static readonly SaleTax Standard = new(3, "15%", "sale", 15m, false);

    public static readonly SaleTax StandardIncluded = new(4, "15% incl.", "sale", 15m, true);

    public static readonly SaleTax StandardPurchase = new(5, "15%", "purchase", 15m, false);

    public static readonly IReadOnlyList<SaleTax> Seeded = [Exempt, Reduced, Standard, StandardIncluded, StandardPurchase];

    /// <summary>
    /// For an Odoo database kept from before the schema had taxes: adds the tax tables if they are missing and the
    /// seeded taxes if the database has none (an operator's own taxes are left alone).
    /// </summary>
    public static async Task InstallAsync(NpgsqlConnection odoo, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(odoo);
        await OdooSchema.InstallAccountTaxAsync(odoo, ct);
        await using var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM account_tax)", odoo);
        if (!(bool)(await any.ExecuteScalarAsync(ct))!)
        {
            var table = Table(DateTime.SpecifyKind(DateTime.UtcNow, DateTimeKind.Unspecified));
            await CopyWriter.WriteAsync(odoo, table.Name, table.Columns, table.Rows, ct);
        }
    }

    /// <summary>The seeded taxes as account_tax rows of <see cref="RetailerSeed.CompanyId"/>.</summary>
    internal static SeedTable Table(DateTime at)
    {
        var table = new SeedTable("account_tax", "name", "type_tax_use", "amount_type", "active", "company_id", "sequence", "amount",
            "price_include", "include_base_amount", "is_base_affected", "tax_group_id", "tax_exigibility", "country_id");
        foreach (var tax in Seeded)
        {
            table.Add(tax.Id, at, JsonSerializer.Serialize(new Dictionary<string, string> { ["en_US"] = tax.Name }), tax.TypeTaxUse, "percent", true,
                RetailerSeed.CompanyId, 1, tax.Amount, tax.PriceInclude, false, true, TaxGroupId, "on_invoice", CountryId);
        }

        return table;
    }
}
