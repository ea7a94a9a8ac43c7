using System.Globalization;
using System.Text;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// The sale order's note: where the order came from and Shopify's taxes. Taxes are kept as text on purpose: the Odoo
/// simulator (like the seeded company) has no account.tax, and inventing taxes would make Odoo's totals disagree with
/// what the buyer paid. A deployment that posts taxes in Odoo maps each Shopify rate to an account.tax and writes it
/// on the lines (<c>tax_id</c>) instead; until then prices are written as Shopify sent them
/// (<see cref="IntakeOrder.TaxesIncluded"/> says whether they include tax).
/// </summary>
internal static class OrderNote
{
    public static string For(IntakeOrder order)
    {
        var note = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Shopify order {order.Name} ({order.ShopDomain}, id {order.OrderId}), amounts in {order.Currency}.");
        var taxes = order.Lines.SelectMany(l => l.TaxLines).Concat(order.ShippingLines.SelectMany(s => s.TaxLines))
            .GroupBy(t => (t.Title, t.Rate))
            .Select(g => new IntakeTaxLine(g.Key.Title, g.Key.Rate, g.Sum(t => t.Price)))
            .ToList();
        if (taxes.Count > 0 || order.TotalTax != 0)
        {
            note.Append('\n')
                .Append(order.TaxesIncluded ? "Prices include Shopify taxes" : "Prices exclude Shopify taxes")
                .Append(" (not posted as Odoo taxes): ")
                .AppendJoin("; ", taxes.Select(Tax))
                .Append(taxes.Count > 0 ? "; " : "")
                .Append("total tax ").Append(OrderLineResolver.Money(order.TotalTax)).Append('.');
        }

        if (!string.IsNullOrWhiteSpace(order.Note))
        {
            note.Append('\n').Append("Buyer's note: ").Append(order.Note.Trim());
        }

        return note.ToString();
    }

    /// <summary>"State Tax 6% 1.20".</summary>
    public static string Tax(IntakeTaxLine tax) =>
        $"{tax.Title} {(tax.Rate * 100m).ToString("0.####", CultureInfo.InvariantCulture)}% {OrderLineResolver.Money(tax.Price)}";
}
