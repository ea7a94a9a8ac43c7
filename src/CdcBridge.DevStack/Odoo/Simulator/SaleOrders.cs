using System.Globalization;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// sale.order and its lines as Odoo 17 writes them: the name from the sale.order sequence, defaults from the partner
/// (invoice and delivery addresses), the company and the warehouse, lines priced and described from the product and
/// taxed by their <c>tax_id</c> (the product's Customer Taxes when the caller gives none, see <see cref="LineTaxes"/>),
/// amounts summed from the lines (tax rounded per line, the company default), confirmation and cancellation.
/// </summary>
internal static class SaleOrders
{
    private static OdooModel Orders => OdooModels.All["sale.order"];

    private static OdooModel Lines => OdooModels.All["sale.order.line"];

    private static OdooField LineTaxField => Lines.Fields["tax_id"];

    public static async Task<int> CreateAsync(OdooCursor cr, JsonObject vals, CancellationToken ct)
    {
        var (columns, commands) = await RecordWriter.ValuesAsync(cr, Orders, vals, ct);
        if (columns.GetValueOrDefault("partner_id") is not int partner)
        {
            throw NotNull(Orders, "partner_id");
        }

        if (columns.GetValueOrDefault("name") is not string name || name is "New" or "/")
        {
            columns["name"] = "S" + (await OdooSequences.NextAsync(cr, OdooSequences.SaleOrder, ct)).ToString("D5", CultureInfo.InvariantCulture);
        }

        columns.TryAdd("partner_invoice_id", await AddressAsync(cr, partner, "invoice", ct));
        columns.TryAdd("partner_shipping_id", await AddressAsync(cr, partner, "delivery", ct));
        columns.TryAdd("company_id", RetailerSeed.CompanyId);
        columns.TryAdd("state", "draft");
        columns.TryAdd("locked", false);
        columns.TryAdd("user_id", cr.Uid);
        columns.TryAdd("currency_id", await cr.ScalarAsync<int>("SELECT currency_id FROM res_company WHERE id = $1", ct, columns["company_id"]));
        columns.TryAdd("currency_rate", 1m);
        columns.TryAdd("picking_policy", "direct");
        columns.TryAdd("invoice_status", "no");
        columns.TryAdd("require_signature", false);
        columns.TryAdd("require_payment", false);
        if (!columns.ContainsKey("warehouse_id"))
        {
            columns["warehouse_id"] = await cr.ScalarAsync<int?>(
                "SELECT id FROM stock_warehouse WHERE company_id = $1 AND active IS NOT FALSE ORDER BY sequence, id LIMIT 1", ct, columns["company_id"])
                ?? throw NotNull(Orders, "warehouse_id");
        }

        var now = await cr.ScalarAsync<DateTime>($"SELECT {OdooCursor.Now}", ct);
        if (columns.GetValueOrDefault("date_order") is null)
        {
            columns["date_order"] = now;
        }

        columns.TryAdd("validity_date", now.Date.AddDays(
            await cr.ScalarAsync<int?>("SELECT quotation_validity_days FROM res_company WHERE id = $1", ct, columns["company_id"]) ?? 30));
        var id = await RecordWriter.InsertAsync(cr, Orders, columns, ct);
        if (commands.TryGetValue("order_line", out var lines))
        {
            await LineCommandsAsync(cr, id, lines, ct);
        }

        await AmountsAsync(cr, id, ct);
        return id;
    }

    public static async Task WriteAsync(OdooCursor cr, IReadOnlyList<int> ids, JsonObject vals, CancellationToken ct)
    {
        await RecordWriter.CheckExistsAsync(cr, Orders, ids, ct);
        var (columns, commands) = await RecordWriter.ValuesAsync(cr, Orders, vals, ct);
        if (columns.Count > 0)
        {
            await RecordWriter.UpdateAsync(cr, Orders, ids, columns, ct);
            if (columns.ContainsKey("state"))
            {
                await cr.ExecuteAsync("UPDATE sale_order_line l SET state = o.state FROM sale_order o WHERE o.id = l.order_id AND o.id = ANY($1)", ct, ids.ToArray());
            }
        }

        foreach (var id in ids)
        {
            if (commands.TryGetValue("order_line", out var lines))
            {
                await LineCommandsAsync(cr, id, lines, ct);
            }

            await AmountsAsync(cr, id, ct);
        }
    }

    /// <summary>The line commands of order_line: create (0), update (1), delete (2 and 3), clear (5).</summary>
    public static async Task LineCommandsAsync(OdooCursor cr, int orderId, JsonArray commands, CancellationToken ct, List<int>? created = null)
    {
        var state = await cr.ScalarAsync<string>("SELECT state FROM sale_order WHERE id = $1", ct, orderId);
        var launched = new List<int>();
        foreach (var (code, id, values) in RecordWriter.Commands("order_line", commands))
        {
            switch (code)
            {
                case 0:
                    var line = await CreateLineAsync(cr, orderId, values as JsonObject ?? [], ct);
                    created?.Add(line);
                    launched.Add(line);
                    break;
                case 1:
                    await WriteLineAsync(cr, orderId, id, values as JsonObject ?? [], state, ct);
                    break;
                case 2 or 3:
                    await DeleteLinesAsync(cr, orderId, [id], state, ct);
                    break;
                case 5:
                    await DeleteLinesAsync(cr, orderId, await cr.IdsAsync("SELECT id FROM sale_order_line WHERE order_id = $1", ct, orderId), state, ct);
                    break;
                default:
                    throw OdooRpcException.NotSimulated($"command ({code}, ...) on sale.order.order_line");
            }
        }

        if (state == "sale" && launched.Count > 0)
        {
            // A line added to a confirmed order is procured at once (sale_stock's _action_launch_stock_rule on create).
            await Stock.LaunchAsync(cr, orderId, launched, ct);
        }
    }

    public static async Task<int> CreateLineAsync(OdooCursor cr, int orderId, JsonObject vals, CancellationToken ct)
    {
        vals.Remove("order_id");
        var (columns, commands) = await RecordWriter.ValuesAsync(cr, Lines, vals, ct);
        var order = (await cr.RowAsync("SELECT state, company_id, currency_id, partner_id, user_id FROM sale_order WHERE id = $1", ct, orderId))!;
        columns["order_id"] = orderId;
        columns["state"] = order[0];
        columns["company_id"] = order[1];
        columns["currency_id"] = order[2];
        columns["order_partner_id"] = order[3];
        columns["salesman_id"] = order[4];
        columns.TryAdd("sequence", 10);
        columns.TryAdd("discount", 0m);
        columns.TryAdd("qty_delivered", 0m);
        columns.TryAdd("qty_invoiced", 0m);
        if (columns.GetValueOrDefault("display_type") is string)
        {
            if (columns.GetValueOrDefault("name") is not string)
            {
                throw NotNull(Lines, "name");
            }

            columns["product_id"] = null;
            columns["product_uom"] = null;
            columns["product_uom_qty"] = 0m;
            columns["price_unit"] = 0m;
            columns["customer_lead"] = 0.0;
            columns["invoice_status"] = "no";
            return await RecordWriter.InsertAsync(cr, Lines, columns, ct);
        }

        if (columns.GetValueOrDefault("product_id") is not int productId)
        {
            // The CHECK sale_order_line_accountable_required_fields, as Odoo reports it.
            throw OdooRpcException.Validation("The operation cannot be completed: Missing required fields on accountable sale order line.");
        }

        var product = (await cr.RowAsync(
            """
            SELECT CASE WHEN pp.default_code IS NOT NULL THEN '[' || pp.default_code || '] ' ELSE '' END || (pt.name->>'en_US'),
                   pt.list_price, pt.uom_id, pt.type, pt.sale_delay, pt.invoice_policy, pt.description_sale->>'en_US'
            FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.id = $1
            """, ct, productId))!;
        columns.TryAdd("name", product[6] is string description ? $"{product[0]}\n{description}" : product[0]);
        columns.TryAdd("product_uom_qty", 1m);
        columns.TryAdd("product_uom", product[2]);
        columns.TryAdd("price_unit", product[1] as decimal? ?? 0m);
        columns.TryAdd("customer_lead", (double)(product[4] as int? ?? 0));
        columns["qty_delivered_method"] = product[3] is "product" or "consu" ? "stock_move" : "manual";
        var taxIds = commands.TryGetValue("tax_id", out var given)
            ? await Many2Many.ApplyAsync(cr, LineTaxField, [], given, ct)
            : await LineTaxes.ProductDefaultsAsync(cr, productId, order[1] as int?, ct);
        Price(columns, order[0] as string, product[5] as string, await LineTaxes.ReadAsync(cr, taxIds, ct));
        var id = await RecordWriter.InsertAsync(cr, Lines, columns, ct);
        if (taxIds.Count > 0)
        {
            await Many2Many.SetAsync(cr, LineTaxField, id, taxIds, ct);
        }

        return id;
    }

    private static async Task WriteLineAsync(OdooCursor cr, int orderId, int lineId, JsonObject vals, string? state, CancellationToken ct)
    {
        var current = await cr.RowAsync(
            "SELECT l.product_uom_qty, l.price_unit, l.discount, l.display_type, pt.invoice_policy, l.product_id FROM sale_order_line l "
            + "LEFT JOIN product_product pp ON pp.id = l.product_id LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE l.id = $1 AND l.order_id = $2",
            ct, lineId, orderId) ?? throw OdooRpcException.Missing("sale.order.line", [lineId], cr.Uid);
        vals.Remove("order_id");
        var (columns, commands) = await RecordWriter.ValuesAsync(cr, Lines, vals, ct);
        var productChanged = columns.TryGetValue("product_id", out var product) && product as int? != current[5] as int?;
        if (state == "sale" && productChanged)
        {
            throw OdooRpcException.UserError("You cannot change the product of a line that is already confirmed."
                + " (Odoo simulator: remove the line and add a new one)");
        }

        // tax_id is recomputed from a new product unless the same write gives it (Odoo protects written fields).
        var taxesBefore = await Many2Many.ReadAsync(cr, LineTaxField, lineId, ct);
        var taxIds = commands.TryGetValue("tax_id", out var given) ? await Many2Many.ApplyAsync(cr, LineTaxField, taxesBefore, given, ct)
            : productChanged && product is int newProduct ? await LineTaxes.ProductDefaultsAsync(cr, newProduct,
                await cr.ScalarAsync<int?>("SELECT company_id FROM sale_order WHERE id = $1", ct, orderId), ct)
            : taxesBefore;
        if (current[3] is null)
        {
            columns.TryAdd("product_uom_qty", current[0]);
            columns.TryAdd("price_unit", current[1]);
            columns.TryAdd("discount", current[2]);
            Price(columns, state, current[4] as string, await LineTaxes.ReadAsync(cr, taxIds, ct));
        }

        await RecordWriter.UpdateAsync(cr, Lines, [lineId], columns, ct);
        if (!taxIds.Order().SequenceEqual(taxesBefore.Order()))
        {
            await Many2Many.SetAsync(cr, LineTaxField, lineId, taxIds, ct);
        }

        if (state == "sale" && columns.GetValueOrDefault("product_uom_qty") is decimal quantity && current[0] is decimal before && quantity != before)
        {
            await Stock.ChangeDemandAsync(cr, orderId, lineId, quantity - before, ct);
        }
    }

    private static async Task DeleteLinesAsync(OdooCursor cr, int orderId, List<int> lineIds, string? state, CancellationToken ct)
    {
        if (state == "sale" && lineIds.Count > 0
            && await cr.ScalarAsync<long>("SELECT count(*) FROM sale_order_line WHERE id = ANY($1) AND display_type IS NULL", ct, lineIds.ToArray()) > 0)
        {
            throw OdooRpcException.UserError("Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets invoiced or delivered).\n"
                + "Set the quantity to 0 instead.");
        }

        await cr.ExecuteAsync("DELETE FROM sale_order_line WHERE id = ANY($1) AND order_id = $2", ct, lineIds.ToArray(), orderId);
    }

    /// <summary>price_subtotal, price_tax, price_total and friends from the line's taxes; invoice quantities for the order's state.</summary>
    private static void Price(Dictionary<string, object?> columns, string? state, string? invoicePolicy, IReadOnlyList<LineTax> taxes)
    {
        var quantity = (decimal)columns["product_uom_qty"]!;
        var unit = (decimal)columns["price_unit"]!;
        var discount = columns.GetValueOrDefault("discount") as decimal? ?? 0m;
        var reduced = unit * (1 - discount / 100m);
        var (subtotal, tax, total) = LineTaxes.Compute(quantity * reduced, taxes);
        columns["price_subtotal"] = subtotal;
        columns["price_tax"] = (double)tax;
        columns["price_total"] = total;
        columns["price_reduce_taxexcl"] = quantity == 0 ? 0m : Math.Round(subtotal / quantity, 2);
        columns["price_reduce_taxinc"] = quantity == 0 ? 0m : Math.Round(total / quantity, 2);
        var confirmed = state == "sale";
        var toInvoice = confirmed && invoicePolicy != "delivery" ? quantity : 0m;
        columns["qty_to_invoice"] = toInvoice;
        columns["invoice_status"] = toInvoice > 0 ? "to invoice" : "no";
    }

    public static async Task AmountsAsync(OdooCursor cr, int orderId, CancellationToken ct) =>
        await cr.ExecuteAsync(
            """
            UPDATE sale_order o SET amount_untaxed = s.untaxed, amount_tax = s.tax, amount_total = s.untaxed + s.tax,
                invoice_status = CASE WHEN o.state = 'sale' AND s.to_invoice THEN 'to invoice' ELSE 'no' END
            FROM (SELECT coalesce(sum(price_subtotal), 0) AS untaxed, round(coalesce(sum(price_tax), 0)::numeric, 2) AS tax,
                         coalesce(bool_or(invoice_status = 'to invoice'), false) AS to_invoice
                  FROM sale_order_line WHERE order_id = $1) s
            WHERE o.id = $1
            """, ct, orderId);

    /// <summary>action_confirm: draft or sent orders become sales orders, then sale_stock launches their procurements.</summary>
    public static async Task ConfirmAsync(OdooCursor cr, IReadOnlyList<int> ids, CancellationToken ct)
    {
        await RecordWriter.CheckExistsAsync(cr, Orders, ids, ct);
        var rows = await cr.RowsAsync("SELECT id, name, state FROM sale_order WHERE id = ANY($1) ORDER BY id", ct, ids.ToArray());
        var wrong = rows.Where(r => r[2] is not ("draft" or "sent")).Select(r => (string)r[1]!).ToList();
        if (wrong.Count > 0)
        {
            throw OdooRpcException.UserError("The following orders are not in a state requiring confirmation: " + string.Join(", ", wrong));
        }

        if (await cr.ScalarAsync<long>("SELECT count(*) FROM sale_order_line WHERE order_id = ANY($1) AND display_type IS NULL AND product_id IS NULL", ct,
                ids.ToArray()) > 0)
        {
            throw OdooRpcException.UserError("A line on these orders missing a product, you cannot confirm it.");
        }

        await cr.ExecuteAsync($"UPDATE sale_order SET state = 'sale', date_order = {OdooCursor.Now}, write_uid = $2, write_date = {OdooCursor.Now} WHERE id = ANY($1)",
            ct, ids.ToArray(), cr.Uid);
        await cr.ExecuteAsync(
            $"""
            UPDATE sale_order_line l SET state = 'sale', write_uid = $2, write_date = {OdooCursor.Now},
                qty_to_invoice = CASE WHEN l.display_type IS NULL AND coalesce(pt.invoice_policy, 'order') = 'order' THEN l.product_uom_qty ELSE 0 END,
                invoice_status = CASE WHEN l.display_type IS NULL AND coalesce(pt.invoice_policy, 'order') = 'order' AND l.product_uom_qty > 0 THEN 'to invoice' ELSE 'no' END
            FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
            WHERE l.order_id = ANY($1) AND pp.id = l.product_id
            """, ct, ids.ToArray(), cr.Uid);
        foreach (var id in ids.Distinct())
        {
            await AmountsAsync(cr, id, ct);
            await Stock.LaunchAsync(cr, id, await cr.IdsAsync("SELECT id FROM sale_order_line WHERE order_id = $1 ORDER BY sequence, id", ct, id), ct);
        }
    }

    /// <summary>
    /// action_cancel: a locked order is a UserError; an order that is not a draft answers the cancel wizard's action
    /// instead of cancelling, unless the context says <c>disable_cancel_warning</c>; otherwise pickings and moves are
    /// cancelled, reservations freed and the order is cancelled.
    /// </summary>
    public static async Task<JsonNode> CancelAsync(OdooCursor cr, IReadOnlyList<int> ids, CancellationToken ct)
    {
        await RecordWriter.CheckExistsAsync(cr, Orders, ids, ct);
        var rows = await cr.RowsAsync("SELECT id, state, locked FROM sale_order WHERE id = ANY($1)", ct, ids.ToArray());
        if (rows.Any(r => r[2] as bool? == true))
        {
            throw OdooRpcException.UserError("You cannot cancel a locked order. Please unlock it first.");
        }

        if (!cr.ContextFlag("disable_cancel_warning") && rows.Any(r => r[1] as string != "draft"))
        {
            return new JsonObject
            {
                ["name"] = "Cancel Sales Order",
                ["view_mode"] = "form",
                ["res_model"] = "sale.order.cancel",
                ["view_id"] = false,
                ["type"] = "ir.actions.act_window",
                ["context"] = new JsonObject { ["default_order_id"] = ids[0] },
                ["target"] = "new",
            };
        }

        foreach (var id in ids.Distinct())
        {
            await Stock.CancelOrderAsync(cr, id, ct);
        }

        await cr.ExecuteAsync($"UPDATE sale_order SET state = 'cancel', invoice_status = 'no', write_uid = $2, write_date = {OdooCursor.Now} WHERE id = ANY($1)",
            ct, ids.ToArray(), cr.Uid);
        await cr.ExecuteAsync($"UPDATE sale_order_line SET state = 'cancel', invoice_status = 'no', qty_to_invoice = 0, write_uid = $2, write_date = {OdooCursor.Now} WHERE order_id = ANY($1)",
            ct, ids.ToArray(), cr.Uid);
        return JsonValue.Create(true);
    }

    /// <summary>address_get: the first child contact of the type, else the partner itself.</summary>
    private static async Task<int> AddressAsync(OdooCursor cr, int partner, string type, CancellationToken ct) =>
        await cr.ScalarAsync<int?>("SELECT id FROM res_partner WHERE parent_id = $1 AND type = $2 AND active IS NOT FALSE ORDER BY id LIMIT 1", ct, partner, type)
        ?? partner;

    /// <summary>The ValidationError Odoo turns a NOT NULL violation into.</summary>
    public static OdooRpcException NotNull(OdooModel model, string field) =>
        OdooRpcException.Validation("The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
            + "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
            + $"Model: {model.Description} ({model.Name})\nField: {model.Fields[field].Label} ({field})\n");
}
