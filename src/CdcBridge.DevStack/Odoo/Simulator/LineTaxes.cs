namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>One account.tax as a sale order line's amounts use it (<c>amount</c> in percent).</summary>
internal sealed record LineTax(int Id, decimal Amount, bool PriceInclude);

/// <summary>
/// The taxes of a sale order line (<c>tax_id</c>) and the amounts Odoo 17 computes from them
/// (<c>account.tax.compute_all</c>, the company rounding per line, currency rounding 0.01): percent taxes only.
/// </summary>
internal static class LineTaxes
{
    /// <summary>
    /// <c>sale.order.line._compute_tax_id</c> for a line created without <c>tax_id</c>: the product's Customer Taxes
    /// (<c>product.template.taxes_id</c>) of the line's company, archived ones left out as x2many reads leave them out
    /// (no fiscal position in the simulator). Callers that must not get a product's default taxes give <c>tax_id</c>.
    /// </summary>
    public static async Task<List<int>> ProductDefaultsAsync(OdooCursor cr, int productId, int? companyId, CancellationToken ct) =>
        await cr.IdsAsync(
            """
            SELECT t.id FROM product_product pp JOIN product_taxes_rel r ON r.prod_id = pp.product_tmpl_id JOIN account_tax t ON t.id = r.tax_id
            WHERE pp.id = $1 AND t.company_id = $2 AND t.active IS TRUE ORDER BY t.sequence, t.id
            """, ct, productId, companyId ?? RetailerSeed.CompanyId);

    /// <summary>The taxes in the order Odoo applies them (sequence, id); any other computation than percent is not simulated.</summary>
    public static async Task<List<LineTax>> ReadAsync(OdooCursor cr, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var rows = await cr.RowsAsync("SELECT id, amount_type, amount, coalesce(price_include, false) FROM account_tax WHERE id = ANY($1) ORDER BY sequence, id", ct,
            ids.ToArray());
        if (rows.FirstOrDefault(r => r[1] as string != "percent") is { } other)
        {
            throw OdooRpcException.NotSimulated($"the tax computation '{other[1]}' of account.tax {other[0]} (the simulator computes percent taxes)");
        }

        return [.. rows.Select(r => new LineTax((int)r[0]!, (decimal)r[2]!, (bool)r[3]!))];
    }

    /// <summary>
    /// compute_all over the line's discounted price × quantity, rounded to the cent first. Price-included taxes come
    /// out of it (subtotal = gross / (1 + Σ included rates)) and the last of them takes the remainder, so the total
    /// stays the gross; price-excluded taxes are rounded subtotal × rate each and added on top.
    /// </summary>
    public static (decimal Subtotal, decimal Tax, decimal Total) Compute(decimal gross, IReadOnlyList<LineTax> taxes)
    {
        gross = Cents(gross);
        var included = taxes.Where(t => t.PriceInclude).Sum(t => t.Amount);
        var subtotal = included == 0 ? gross : Cents(gross / (1 + (included / 100m)));
        var checkpoint = taxes.LastOrDefault(t => t.PriceInclude && t.Amount != 0);
        var includedSoFar = 0m;
        var tax = 0m;
        foreach (var t in taxes)
        {
            var amount = t == checkpoint ? gross - subtotal - includedSoFar : Cents(subtotal * t.Amount / 100m);
            includedSoFar += t.PriceInclude && t != checkpoint ? amount : 0m;
            tax += amount;
        }

        return (subtotal, tax, subtotal + tax);
    }

    private static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);
}
