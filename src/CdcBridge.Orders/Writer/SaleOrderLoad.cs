using System.Globalization;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// The <c>sale.order.load(fields, rows)</c> that creates one order with its lines under its external id (the
/// <c>id</c> column), each line under its own (<c>order_line/id</c>): a load that meets the order already there (a
/// concurrent writer created it between our look-up and our load) then updates the same lines to the same values
/// instead of adding them again. The first row carries the order and its first line; each further row only a line
/// (its order columns empty), as an import file does. Records are referred to by database id (<c>/.id</c>). <c>origin</c> is
/// <c>shopify:&lt;shop&gt;:&lt;order id&gt;</c> (the availability contract, <see cref="IntakeOrder.OdooOrigin"/>) and
/// <c>client_order_ref</c> the Shopify order name; <c>name</c> is left to Odoo's sequence.
/// <para>
/// Taxes go into the same load, at no extra request: <c>order_line/tax_id/.id</c> (<c>tax_ids</c> from Odoo 19) holds the
/// line's account.tax database ids separated by commas, which Odoo's import converter turns into one "set" command
/// (<c>ir.fields.converter._str_to_many2many</c>). The cell of an untaxed line is left empty, which the converter makes
/// False, an empty set (<c>for_model</c>): the column is always written because Odoo computes a line's taxes from its
/// product's Customer Taxes whenever the values do not give them (<c>sale.order.line._compute_tax_id</c>), and would
/// otherwise add a tax Shopify did not charge.
/// </para>
/// </summary>
internal static class SaleOrderLoad
{
    private static readonly string[] OrderFields =
        ["id", "partner_id/.id", "partner_invoice_id/.id", "partner_shipping_id/.id", "client_order_ref", "origin", "note"];

    private static readonly string[] LineFields =
        ["order_line/id", "order_line/product_id/.id", "order_line/name", "order_line/product_uom_qty", "order_line/price_unit", "order_line/discount"];

    public static (IReadOnlyList<string> Fields, List<IReadOnlyList<string?>> Rows) Build(
        string xmlid, IntakeOrder order, OrderPartners partners, IReadOnlyList<OdooOrderLine> lines, string lineTaxField, int? warehouseId)
    {
        var orderFields = warehouseId is null ? OrderFields : [.. OrderFields, "warehouse_id/.id"];
        string[] lineFields = [.. LineFields, $"order_line/{lineTaxField}/.id"];
        string?[] head =
        [
            xmlid, Id(partners.CustomerId), Id(partners.InvoiceId), Id(partners.ShippingId), order.Name, order.OdooOrigin, OrderNote.For(order),
            .. warehouseId is { } w ? [Id(w)] : Array.Empty<string?>(),
        ];
        var rows = new List<IReadOnlyList<string?>>();
        for (var i = 0; i < Math.Max(1, lines.Count); i++)
        {
            var own = i == 0 ? head : new string?[head.Length];
            var line = i < lines.Count ? lines[i] : null;
            string?[] cells = line is null
                ? new string?[lineFields.Length]
                :
                [
                    line.ExternalId, Id(line.ProductId), line.Description, Number(line.Quantity), Number(line.PriceUnit), Number(line.DiscountPercent),
                    string.Join(',', line.TaxIds.Select(Id)),
                ];
            rows.Add([.. own, .. cells]);
        }

        return ([.. orderFields, .. lineFields], rows);
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
