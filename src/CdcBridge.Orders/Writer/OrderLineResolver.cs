using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// Maps an order's lines to Odoo products by SKU = <c>product.product.default_code</c> (one search_read for the whole
/// order, the shipping product included) and their Shopify tax lines to Odoo sale taxes (<see cref="SaleTaxCatalog"/>),
/// and describes each line. A line whose SKU came empty is resolved through the variant. Problems an operator must fix
/// (unknown or ambiguous SKUs, a line without any SKU, a missing shipping product, a tax rate without an Odoo tax) are
/// collected and reported together, naming SKUs, tax titles and rates, and line ids only.
/// </summary>
internal sealed class OrderLineResolver(OdooCalls odoo, IVariantSkuResolver variants, OdooOrderWriterOptions options)
{
    public async Task<IReadOnlyList<OdooOrderLine>> ResolveAsync(IntakeOrder order, SaleTaxCatalog.Snapshot taxes, CancellationToken ct)
    {
        var problems = new List<string>();
        var items = new List<(IntakeOrderLine Line, string Sku)>();
        foreach (var line in order.Lines.Where(l => l.EffectiveQuantity > 0))
        {
            // The SKU sent, else the one the intake looked up (what availability counted the line under), else Shopify now.
            var sku = Clean(line.Sku) ?? Clean(line.ResolvedSku);
            if (sku is null && line.VariantId is { } variantId)
            {
                sku = Clean(await variants.SkuOfVariantAsync(order.ShopDomain, variantId, ct));
                if (sku is null)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture,
                        $"line {line.LineItemId} has no SKU and Shopify variant {variantId} has none either (give the variant the SKU of its Odoo product)"));
                    continue;
                }
            }
            else if (sku is null)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"line {line.LineItemId} is a custom item without variant or SKU, so it matches no Odoo product"));
                continue;
            }

            items.Add((line, sku));
        }

        if (items.Count == 0 && order.ShippingLines.Count == 0 && problems.Count == 0)
        {
            problems.Add("the order has no line with a quantity to write");
        }

        var codes = items.Select(i => i.Sku).Distinct(StringComparer.Ordinal).ToList();
        if (order.ShippingLines.Count > 0)
        {
            codes.Add(options.ShippingProductCode);
        }

        var products = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        if (codes.Count > 0)
        {
            // Odoo does not make default_code unique; an exact 'in' (never ilike) on the active products.
            var rows = await odoo.SearchReadAsync("product.product",
                [new JsonArray("default_code", "in", new JsonArray([.. codes.Distinct(StringComparer.Ordinal).Select(c => (JsonNode?)c)]))],
                ["id", "default_code"], ct);
            foreach (var row in rows)
            {
                var code = row["default_code"]?.GetValue<string>();
                if (code is not null)
                {
                    (products.TryGetValue(code, out var ids) ? ids : products[code] = []).Add(row["id"]!.GetValue<int>());
                }
            }
        }

        var lines = new List<OdooOrderLine>();
        foreach (var (line, sku) in items)
        {
            var taxIds = taxes.IdsFor(line.TaxLines, order.TaxesIncluded, string.Create(CultureInfo.InvariantCulture, $"line {line.LineItemId}"), problems);
            if (Product(products, sku, string.Create(CultureInfo.InvariantCulture, $"SKU '{sku}' of line {line.LineItemId}"), problems) is { } productId)
            {
                lines.Add(new OdooOrderLine(OrderExternalIds.Line(options.ExternalIdModule, order.ShopDomain, line.LineItemId), productId, Describe(line),
                    line.EffectiveQuantity, line.Price, DiscountPercent(line.TotalDiscount, line.Price * line.Quantity), taxIds));
            }
        }

        var shippingTaxes = order.ShippingLines.Select(s => taxes.IdsFor(s.TaxLines, order.TaxesIncluded,
            string.Create(CultureInfo.InvariantCulture, $"shipping line {s.ShippingLineId}"), problems)).ToList();
        if (order.ShippingLines.Count > 0
            && Product(products, options.ShippingProductCode, $"the shipping product '{options.ShippingProductCode}' (OdooOrderWriterOptions.ShippingProductCode)",
                problems) is { } shippingId)
        {
            lines.AddRange(order.ShippingLines.Select((s, i) => new OdooOrderLine(
                OrderExternalIds.ShippingLine(options.ExternalIdModule, order.ShopDomain, s.ShippingLineId), shippingId, Describe(s), 1m, s.Price,
                DiscountPercent(s.Price - s.DiscountedPrice, s.Price), shippingTaxes[i])));
        }

        if (problems.Count > 0)
        {
            throw new OrderWriteException($"Order {order.Name} of {order.ShopDomain} cannot be written to Odoo: {string.Join("; ", problems.Distinct())}.",
                isPermanent: true);
        }

        return lines;
    }

    private static int? Product(Dictionary<string, List<int>> products, string code, string what, List<string> problems)
    {
        if (!products.TryGetValue(code, out var ids))
        {
            problems.Add($"{what} is not the Internal Reference of any active Odoo product");
            return null;
        }

        if (ids.Count > 1)
        {
            problems.Add($"{what} is the Internal Reference of {ids.Count} Odoo products (ids {string.Join(", ", ids.Order())}); make it unique");
            return null;
        }

        return ids[0];
    }

    private static string? Clean(string? sku) => string.IsNullOrWhiteSpace(sku) ? null : sku.Trim();

    /// <summary>Odoo keeps the discount as a percentage with 2 decimals; the exact Shopify amount is in the description.</summary>
    internal static decimal DiscountPercent(decimal discount, decimal gross) =>
        discount <= 0 || gross <= 0 ? 0m : Math.Clamp(Math.Round(discount / gross * 100m, 2, MidpointRounding.AwayFromZero), 0m, 100m);

    private static string Describe(IntakeOrderLine line)
    {
        var text = new StringBuilder(line.Title.Trim());
        if (!string.IsNullOrWhiteSpace(line.VariantTitle))
        {
            text.Append(" - ").Append(line.VariantTitle.Trim());
        }

        if (line.TotalDiscount > 0)
        {
            text.Append('\n').Append("Shopify discount: ").Append(Money(line.TotalDiscount));
        }

        return text.ToString();
    }

    private static string Describe(IntakeShippingLine shipping)
    {
        var text = new StringBuilder("Shipping: ").Append(shipping.Title.Trim());
        if (!string.IsNullOrWhiteSpace(shipping.Code) && shipping.Code.Trim() != shipping.Title.Trim())
        {
            text.Append(" (").Append(shipping.Code.Trim()).Append(')');
        }

        if (shipping.DiscountedPrice < shipping.Price)
        {
            text.Append('\n').Append("Shopify discount: ").Append(Money(shipping.Price - shipping.DiscountedPrice));
        }

        return text.ToString();
    }

    internal static string Money(decimal amount) => amount.ToString("0.00##", CultureInfo.InvariantCulture);
}
