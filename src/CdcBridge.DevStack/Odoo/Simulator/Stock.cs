using System.Globalization;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// What sale_stock and stock do behind action_confirm and action_cancel, as Odoo 17 writes the tables: a procurement
/// group per order; per warehouse route leg (ship only: Stock → Customers; pick + ship: Stock → Output, then Output →
/// Customers; pick + pack + ship: Stock → Packing Zone → Output → Customers) one picking and one move per line, created
/// as the superuser; the first leg is make-to-stock and reserved at once (picking types reserve at confirmation), the
/// chained legs are make-to-order and wait. A reservation is a move line per (location, lot, package, owner) plus the
/// same quantity added to the quants' reserved_quantity, FIFO by incoming date, so a quant's reserved quantity always
/// equals what the open move lines hold. Cancelling frees the reservations (the move lines are deleted) and cancels the
/// moves and pickings.
/// </summary>
internal static class Stock
{
    private sealed record Leg(int Source, int Destination, int PickingType, string ProcureMethod);

    public static async Task LaunchAsync(OdooCursor cr, int orderId, IReadOnlyList<int> lineIds, CancellationToken ct)
    {
        var lines = await cr.RowsAsync(
            """
            SELECT l.id, l.product_id, l.product_uom_qty * pu.factor / lu.factor, pt.uom_id, l.sequence, l.customer_lead,
                   CASE WHEN pp.default_code IS NOT NULL THEN '[' || pp.default_code || '] ' ELSE '' END || (pt.name->>'en_US')
            FROM sale_order_line l JOIN product_product pp ON pp.id = l.product_id JOIN product_template pt ON pt.id = pp.product_tmpl_id
            JOIN uom_uom lu ON lu.id = l.product_uom JOIN uom_uom pu ON pu.id = pt.uom_id
            WHERE l.id = ANY($1) AND l.display_type IS NULL AND pt.type IN ('product', 'consu') AND l.product_uom_qty > 0
            ORDER BY l.sequence, l.id
            """, ct, lineIds.ToArray());
        foreach (var line in lines)
        {
            await ProcureAsync(cr, orderId, (int)line[0]!, (int)line[1]!, (decimal)line[2]!, (int)line[3]!, line[4] as int? ?? 10, line[5] as double? ?? 0,
                (string)line[6]!, ct);
        }

        await cr.ExecuteAsync("UPDATE sale_order SET delivery_status = 'pending' WHERE id = $1 AND EXISTS (SELECT 1 FROM stock_picking WHERE sale_id = $1)", ct, orderId);
    }

    /// <summary>A confirmed line's quantity changed: more is procured like a new line; less is not simulated.</summary>
    public static async Task ChangeDemandAsync(OdooCursor cr, int orderId, int lineId, decimal delta, CancellationToken ct)
    {
        if (delta < 0)
        {
            throw OdooRpcException.NotSimulated("decreasing the quantity of a confirmed sale order line");
        }

        var line = (await cr.RowAsync(
            """
            SELECT l.product_id, $2 * pu.factor / lu.factor, pt.uom_id, l.sequence, l.customer_lead,
                   CASE WHEN pp.default_code IS NOT NULL THEN '[' || pp.default_code || '] ' ELSE '' END || (pt.name->>'en_US'), pt.type
            FROM sale_order_line l JOIN product_product pp ON pp.id = l.product_id JOIN product_template pt ON pt.id = pp.product_tmpl_id
            JOIN uom_uom lu ON lu.id = l.product_uom JOIN uom_uom pu ON pu.id = pt.uom_id WHERE l.id = $1
            """, ct, lineId, delta))!;
        if (line[6] is "product" or "consu")
        {
            await ProcureAsync(cr, orderId, lineId, (int)line[0]!, (decimal)line[1]!, (int)line[2]!, line[3] as int? ?? 10, line[4] as double? ?? 0, (string)line[5]!, ct);
        }
    }

    private static async Task ProcureAsync(OdooCursor cr, int orderId, int lineId, int productId, decimal quantity, int uom, int sequence, double lead,
        string description, CancellationToken ct)
    {
        var order = (await cr.RowAsync(
            """
            SELECT o.name, o.partner_shipping_id, o.picking_policy, o.procurement_group_id, o.warehouse_id, o.company_id,
                   coalesce(o.commitment_date, o.date_order) + make_interval(secs => ($2 - coalesce(c.security_lead, 0)) * 86400)
            FROM sale_order o JOIN res_company c ON c.id = o.company_id WHERE o.id = $1
            """, ct, orderId, lead))!;
        var (name, shipping, policy, warehouse, company, date) = ((string)order[0]!, (int)order[1]!, (string)order[2]!, (int)order[4]!, (int)order[5]!, (DateTime)order[6]!);
        var group = order[3] as int?;
        if (group is null)
        {
            group = await RecordWriter.InsertAsync(cr, OdooModels.All["procurement.group"], new Dictionary<string, object?>
            {
                ["name"] = name,
                ["move_type"] = policy,
                ["partner_id"] = shipping,
                ["sale_id"] = orderId,
            }, ct);
            await cr.ExecuteAsync("UPDATE sale_order SET procurement_group_id = $2 WHERE id = $1", ct, orderId, group.Value);
        }

        var legs = await LegsAsync(cr, warehouse, ct);
        for (var i = 0; i < legs.Count; i++)
        {
            var leg = legs[i];
            var picking = await PickingAsync(cr, group.Value, leg, name, shipping, policy, company, orderId, date, ct);
            var reference = await cr.ScalarAsync<string>("SELECT name FROM stock_picking WHERE id = $1", ct, picking);
            var state = leg.ProcureMethod == "make_to_order" ? "waiting" : "confirmed";
            var moveId = await RecordWriter.InsertAsync(cr, OdooModels.All["stock.move"], new Dictionary<string, object?>
            {
                ["name"] = description,
                ["sequence"] = sequence,
                ["priority"] = "0",
                ["date"] = date,
                ["date_deadline"] = date,
                ["company_id"] = company,
                ["product_id"] = productId,
                ["product_qty"] = quantity,
                ["product_uom_qty"] = quantity,
                ["product_uom"] = uom,
                ["location_id"] = leg.Source,
                ["location_dest_id"] = leg.Destination,
                ["partner_id"] = shipping,
                ["picking_id"] = picking,
                ["state"] = state,
                ["picked"] = false,
                ["price_unit"] = 0.0,
                ["origin"] = name,
                ["procure_method"] = leg.ProcureMethod,
                ["scrapped"] = false,
                ["group_id"] = group.Value,
                ["propagate_cancel"] = false,
                ["picking_type_id"] = leg.PickingType,
                ["is_inventory"] = false,
                ["warehouse_id"] = warehouse,
                ["quantity"] = 0m,
                ["additional"] = false,
                ["reference"] = reference,
                ["reservation_date"] = date.Date,
                ["sale_line_id"] = lineId,
            }, ct, OdooCursor.SuperUser);
            if (i == 0)
            {
                await ReserveAsync(cr, moveId, ct);
            }

            await PickingStateAsync(cr, picking, ct);
        }
    }

    private static async Task<List<Leg>> LegsAsync(OdooCursor cr, int warehouse, CancellationToken ct)
    {
        var w = (await cr.RowAsync(
            "SELECT delivery_steps, lot_stock_id, wh_output_stock_loc_id, wh_pack_stock_loc_id, out_type_id, pick_type_id, pack_type_id FROM stock_warehouse WHERE id = $1",
            ct, warehouse))!;
        var (stock, output, pack, outType, pickType, packType) = ((int)w[1]!, w[2] as int?, w[3] as int?, (int)w[4]!, w[5] as int?, w[6] as int?);
        var customers = RetailerSeed.CustomersLocationId;
        return w[0] switch
        {
            "pick_ship" when output is { } o && pickType is { } p =>
                [new(stock, o, p, "make_to_stock"), new(o, customers, outType, "make_to_order")],
            "pick_pack_ship" when output is { } o && pack is { } k && pickType is { } p && packType is { } pk =>
                [new(stock, k, p, "make_to_stock"), new(k, o, pk, "make_to_order"), new(o, customers, outType, "make_to_order")],
            _ => [new(stock, customers, outType, "make_to_stock")],
        };
    }

    /// <summary>_assign_picking: the open picking of the group with the same locations and type, or a new one.</summary>
    private static async Task<int> PickingAsync(OdooCursor cr, int group, Leg leg, string origin, int partner, string policy, int company, int orderId,
        DateTime date, CancellationToken ct)
    {
        var existing = await cr.ScalarAsync<int?>(
            """
            SELECT id FROM stock_picking WHERE group_id = $1 AND location_id = $2 AND location_dest_id = $3 AND picking_type_id = $4
              AND state IN ('draft', 'confirmed', 'waiting', 'partially_available', 'assigned') AND printed IS NOT TRUE ORDER BY id LIMIT 1
            """, ct, group, leg.Source, leg.Destination, leg.PickingType);
        if (existing is { } id)
        {
            await cr.ExecuteAsync("UPDATE stock_picking SET scheduled_date = least(scheduled_date, $2) WHERE id = $1", ct, id, date);
            return id;
        }

        var prefix = (await cr.ScalarAsync<string>(
            "SELECT coalesce(w.code || '/', '') || t.sequence_code || '/' FROM stock_picking_type t LEFT JOIN stock_warehouse w ON w.id = t.warehouse_id WHERE t.id = $1",
            ct, leg.PickingType))!;
        var number = await OdooSequences.NextAsync(cr, OdooSequences.PickingType(leg.PickingType), ct);
        var picking = await RecordWriter.InsertAsync(cr, OdooModels.All["stock.picking"], new Dictionary<string, object?>
        {
            ["name"] = prefix + number.ToString("D5", CultureInfo.InvariantCulture),
            ["origin"] = origin,
            ["move_type"] = policy,
            ["state"] = "draft",
            ["group_id"] = group,
            ["priority"] = "0",
            ["scheduled_date"] = date,
            ["date_deadline"] = date,
            ["location_id"] = leg.Source,
            ["location_dest_id"] = leg.Destination,
            ["picking_type_id"] = leg.PickingType,
            ["partner_id"] = partner,
            ["company_id"] = company,
            ["sale_id"] = orderId,
        }, ct, OdooCursor.SuperUser);
        await cr.ExecuteAsync(
            $"UPDATE stock_picking SET date = {OdooCursor.Now}, user_id = $2, printed = false, is_locked = true, has_deadline_issue = false WHERE id = $1",
            ct, picking, OdooCursor.SuperUser);
        return picking;
    }

    /// <summary>_action_assign of one make-to-stock move: reserves what the source location's quants have free, FIFO.</summary>
    private static async Task ReserveAsync(OdooCursor cr, int moveId, CancellationToken ct)
    {
        var move = (await cr.RowAsync(
            """
            SELECT m.product_id, m.product_qty - coalesce(m.quantity, 0), l.parent_path, m.picking_id, m.location_dest_id, m.reference, m.product_uom, m.company_id,
                   coalesce(c.complete_name, c.name), l.usage
            FROM stock_move m JOIN stock_location l ON l.id = m.location_id JOIN product_product pp ON pp.id = m.product_id
            JOIN product_template pt ON pt.id = pp.product_tmpl_id LEFT JOIN product_category c ON c.id = pt.categ_id
            WHERE m.id = $1 AND pt.type = 'product'
            """, ct, moveId));
        if (move is null || move[9] is not ("internal" or "transit"))
        {
            // Consumables and locations that bypass reservation are available at once (Odoo marks them assigned).
            await cr.ExecuteAsync("UPDATE stock_move SET state = 'assigned' WHERE id = $1", ct, moveId);
            return;
        }

        var need = (decimal)move[1]!;
        var quants = await cr.RowsAsync(
            """
            SELECT q.id, q.location_id, q.lot_id, q.package_id, q.owner_id, q.quantity - q.reserved_quantity
            FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
            WHERE q.product_id = $1 AND l.parent_path LIKE $2 || '%' AND l.usage IN ('internal', 'transit') AND q.quantity > q.reserved_quantity
            ORDER BY q.in_date, q.id
            """, ct, move[0], move[2]);
        var taken = new Dictionary<(int Location, int? Lot, int? Package, int? Owner), decimal>();
        foreach (var quant in quants)
        {
            if (need <= 0)
            {
                break;
            }

            var take = Math.Min(need, (decimal)quant[5]!);
            need -= take;
            await cr.ExecuteAsync($"UPDATE stock_quant SET reserved_quantity = reserved_quantity + $2, write_uid = $3, write_date = {OdooCursor.Now} WHERE id = $1", ct,
                quant[0], take, OdooCursor.SuperUser);
            var key = ((int)quant[1]!, quant[2] as int?, quant[3] as int?, quant[4] as int?);
            taken[key] = taken.GetValueOrDefault(key) + take;
        }

        var reserved = taken.Values.Sum();
        var demand = (decimal)move[1]!;
        var state = reserved >= demand ? "assigned" : reserved > 0 ? "partially_available" : "confirmed";
        foreach (var ((location, lot, package, owner), quantity) in taken)
        {
            await RecordWriter.InsertAsync(cr, OdooModels.All["stock.move.line"], new Dictionary<string, object?>
            {
                ["picking_id"] = move[3],
                ["move_id"] = moveId,
                ["company_id"] = move[7],
                ["product_id"] = move[0],
                ["product_uom_id"] = move[6],
                ["quantity"] = quantity,
                ["quantity_product_uom"] = quantity,
                ["picked"] = false,
                ["location_id"] = location,
                ["location_dest_id"] = move[4],
                ["lot_id"] = lot,
                ["package_id"] = package,
                ["owner_id"] = owner,
                ["state"] = state,
                ["reference"] = move[5],
                ["date"] = DateTime.SpecifyKind(DateTime.UtcNow, DateTimeKind.Unspecified),
            }, ct, OdooCursor.SuperUser);
        }

        await cr.ExecuteAsync($"UPDATE stock_move_line SET date = {OdooCursor.Now}, product_category_name = $2 WHERE move_id = $1", ct, moveId, move[8]);
        await cr.ExecuteAsync($"UPDATE stock_move SET quantity = coalesce(quantity, 0) + $2, state = $3, write_date = {OdooCursor.Now} WHERE id = $1",
            ct, moveId, reserved, state);
    }

    /// <summary>A picking's state from its moves (_compute_state, move_type 'direct').</summary>
    private static async Task PickingStateAsync(OdooCursor cr, int picking, CancellationToken ct) =>
        await cr.ExecuteAsync(
            """
            UPDATE stock_picking p SET state = s.state FROM (
                SELECT CASE
                    WHEN bool_or(m.state = 'draft') THEN 'draft'
                    WHEN bool_and(m.state = 'cancel') THEN 'cancel'
                    WHEN bool_and(m.state IN ('done', 'cancel')) THEN 'done'
                    WHEN bool_or(m.state IN ('assigned', 'partially_available')) THEN 'assigned'
                    WHEN bool_or(m.state = 'waiting') THEN 'waiting'
                    ELSE 'confirmed' END AS state
                FROM stock_move m WHERE m.picking_id = $1) s
            WHERE p.id = $1
            """, ct, picking);

    /// <summary>Cancels an order's pickings that are not done: reservations freed, move lines deleted, moves and pickings cancelled.</summary>
    public static async Task CancelOrderAsync(OdooCursor cr, int orderId, CancellationToken ct)
    {
        var moves = await cr.IdsAsync(
            "SELECT m.id FROM stock_move m JOIN sale_order_line l ON l.id = m.sale_line_id WHERE l.order_id = $1 AND m.state NOT IN ('done', 'cancel') ORDER BY m.id",
            ct, orderId);
        var lines = await cr.RowsAsync(
            "SELECT id, product_id, location_id, lot_id, package_id, owner_id, quantity FROM stock_move_line WHERE move_id = ANY($1) AND state NOT IN ('done', 'cancel') AND picked IS NOT TRUE",
            ct, moves.ToArray());
        foreach (var line in lines)
        {
            // _update_reserved_quantity with a negative quantity: taken off the quants of the line's exact key.
            await cr.ExecuteAsync(
                $"""
                WITH quants AS (
                    SELECT id, sum(reserved_quantity) OVER (ORDER BY reserved_quantity DESC, id) - reserved_quantity AS before
                    FROM stock_quant WHERE product_id = $1 AND location_id = $2 AND lot_id IS NOT DISTINCT FROM $3 AND package_id IS NOT DISTINCT FROM $4
                      AND owner_id IS NOT DISTINCT FROM $5 AND reserved_quantity > 0)
                UPDATE stock_quant q SET reserved_quantity = q.reserved_quantity - least(q.reserved_quantity, $6 - quants.before),
                    write_uid = $7, write_date = {OdooCursor.Now}
                FROM quants WHERE q.id = quants.id AND quants.before < $6
                """, ct, line[1], line[2], Nullable(line[3]), Nullable(line[4]), Nullable(line[5]), line[6] ?? 0m, OdooCursor.SuperUser);
        }

        await cr.ExecuteAsync("DELETE FROM stock_move_line WHERE id = ANY($1)", ct, lines.Select(l => (int)l[0]!).ToArray());
        await cr.ExecuteAsync($"UPDATE stock_move SET state = 'cancel', quantity = 0, write_uid = $2, write_date = {OdooCursor.Now} WHERE id = ANY($1)", ct,
            moves.ToArray(), OdooCursor.SuperUser);
        foreach (var picking in await cr.IdsAsync("SELECT DISTINCT picking_id FROM stock_move WHERE id = ANY($1) AND picking_id IS NOT NULL", ct, moves.ToArray()))
        {
            await PickingStateAsync(cr, picking, ct);
        }
    }

    private static object Nullable(object? value) =>
        value ?? new Npgsql.NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer };
}
