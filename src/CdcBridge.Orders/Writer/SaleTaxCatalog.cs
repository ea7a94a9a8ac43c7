using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// The writer's view of Odoo's sale taxes: the active <c>account.tax</c> records of the writer's company with
/// <c>type_tax_use</c> 'sale' and <c>amount_type</c> 'percent', in Odoo's order (sequence, id), and the name of the
/// order lines' tax field (<c>tax_id</c> in Odoo 17 and 18, <c>tax_ids</c> from 19, found with one <c>fields_get</c>).
/// Taxes change rarely, so both are read once and kept for <see cref="Lifetime"/>; a rate the kept taxes miss reads
/// them again once before an order is refused (a tax the merchant just created is then found on replay), and
/// <see cref="Invalidate"/> drops them when Odoo refused an order (a tax deleted since). Steady state: no request.
/// </summary>
internal sealed class SaleTaxCatalog(OdooCalls odoo, WriterCompany company)
{
    /// <summary>How close Odoo's percent must be to Shopify's rate × 100 (Odoo keeps 4 decimals, Shopify's rates 8).</summary>
    public const decimal Tolerance = 0.0001m;

    /// <summary>How long read taxes are trusted: edits in Odoo (a tax archived, a rate changed) show within this.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private Snapshot? _snapshot;
    private string? _lineField;

    /// <summary>
    /// Taxes for the rates of <paramref name="order"/> (in its lines and shipping lines): the kept ones, or read again
    /// when they are too old or miss one of these rates.
    /// </summary>
    public async Task<Snapshot> ForAsync(IntakeOrder order, CancellationToken ct)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null || Stopwatch.GetElapsedTime(snapshot.ReadAt) > Lifetime || !snapshot.Covers(order))
        {
            snapshot = await ReadAsync(ct);
            Volatile.Write(ref _snapshot, snapshot);
        }

        return snapshot;
    }

    /// <summary>Forgets the taxes; not the field name, which only an Odoo upgrade changes (restart the sidecar after one).</summary>
    public void Invalidate() => Volatile.Write(ref _snapshot, null);

    private async Task<Snapshot> ReadAsync(CancellationToken ct)
    {
        var lineField = Volatile.Read(ref _lineField) ?? await LineFieldAsync(ct);
        Volatile.Write(ref _lineField, lineField);
        var companyId = await company.IdAsync(ct);
        var rows = await odoo.SearchReadAsync("account.tax",
            [new JsonArray("type_tax_use", "=", "sale"), new JsonArray("amount_type", "=", "percent"), new JsonArray("company_id", "=", companyId)],
            ["amount", "price_include"], ct, order: "sequence, id");
        var taxes = rows.Select(r => new OdooSaleTax(r["id"]!.GetValue<int>(), r["amount"]!.GetValue<decimal>(), r["price_include"]?.GetValue<bool>() ?? false))
            .ToList();
        return new Snapshot(taxes, lineField, companyId, Stopwatch.GetTimestamp());
    }

    /// <summary>Odoo 19 renamed <c>sale.order.line.tax_id</c> to <c>tax_ids</c> (OpenUpgrade 19.0 sale analysis).</summary>
    private async Task<string> LineFieldAsync(CancellationToken ct)
    {
        string[] names = ["tax_id", "tax_ids"];
        var fields = await odoo.CallAsync("sale.order.line", "fields_get", [], ct,
            new JsonObject { ["allfields"] = new JsonArray([.. names.Select(n => (JsonNode?)n)]), ["attributes"] = new JsonArray("type") });
        return names.FirstOrDefault(n => fields is JsonObject known && known.ContainsKey(n))
            ?? throw new OrderWriteException("Odoo's sale.order.line has neither tax_id nor tax_ids, so the writer cannot set the lines' taxes.", isPermanent: true);
    }

    /// <summary>One percent sale tax as the writer matches it.</summary>
    internal sealed record OdooSaleTax(int Id, decimal Amount, bool PriceInclude);

    /// <summary>The taxes as read at <see cref="ReadAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    internal sealed record Snapshot(IReadOnlyList<OdooSaleTax> Taxes, string LineField, int CompanyId, long ReadAt)
    {
        /// <summary>The taxes a Shopify rate (a fraction) maps to, in Odoo's order.</summary>
        public IEnumerable<OdooSaleTax> Matching(decimal rate, bool priceInclude) =>
            Taxes.Where(t => t.PriceInclude == priceInclude && Math.Abs(t.Amount - (rate * 100m)) <= Tolerance);

        /// <summary>Whether every line's tax lines find distinct taxes (a line taxed twice at one rate needs two).</summary>
        public bool Covers(IntakeOrder order) =>
            order.Lines.Select(l => l.TaxLines).Concat(order.ShippingLines.Select(s => s.TaxLines))
                .SelectMany(taxes => taxes.GroupBy(t => t.Rate))
                .All(rate => Matching(rate.Key, order.TaxesIncluded).Take(rate.Count()).Count() == rate.Count());

        /// <summary>
        /// The account.tax ids of one line's Shopify taxes, each tax line its own Odoo tax; a tax line no Odoo tax is
        /// left for is added to <paramref name="problems"/>, naming its title, rate and <paramref name="line"/>.
        /// </summary>
        public IReadOnlyList<int> IdsFor(IReadOnlyList<IntakeTaxLine> taxLines, bool priceInclude, string line, List<string> problems)
        {
            var ids = new List<int>();
            foreach (var tax in taxLines)
            {
                if (Matching(tax.Rate, priceInclude).FirstOrDefault(t => !ids.Contains(t.Id)) is { } match)
                {
                    ids.Add(match.Id);
                    continue;
                }

                var percent = (tax.Rate * 100m).ToString("0.######", CultureInfo.InvariantCulture);
                var atRate = taxLines.Count(t => t.Rate == tax.Rate);
                var left = atRate > 1 ? string.Create(CultureInfo.InvariantCulture, $" left for it (the line has {atRate} taxes at {percent}%, each needs its own)") : "";
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Shopify tax '{tax.Title}' {percent}% on {line} matches no Odoo tax{left}: create an active one in company {CompanyId} with Tax Type 'Sales', "
                    + $"Tax Computation 'Percentage', Amount {percent} and 'Included in Price' {(priceInclude ? "checked" : "unchecked")}, then replay the order"));
            }

            return ids;
        }
    }
}
