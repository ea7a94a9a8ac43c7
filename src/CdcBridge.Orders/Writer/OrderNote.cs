using System.Globalization;
using System.Text;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// The sale order's note: where the order came from and the buyer's note. Taxes are not repeated here: they are Odoo
/// taxes on the lines (<c>tax_id</c>, see <see cref="SaleTaxCatalog"/>), and a second, textual account of them next to
/// Odoo's own amounts would only invite comparing the two.
/// </summary>
internal static class OrderNote
{
    public static string For(IntakeOrder order)
    {
        var note = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Shopify order {order.Name} ({order.ShopDomain}, id {order.OrderId}), amounts in {order.Currency}.");
        if (!string.IsNullOrWhiteSpace(order.Note))
        {
            note.Append('\n').Append("Buyer's note: ").Append(order.Note.Trim());
        }

        return note.ToString();
    }
}
