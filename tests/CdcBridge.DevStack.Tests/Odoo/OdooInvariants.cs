namespace CdcBridge.DevStack.Tests.Odoo;

/// <summary>Checks of the odoo database that hold whenever Odoo (or something writing as Odoo does) has written it.</summary>
internal static class OdooInvariants
{
    /// <summary>
    /// Keys (product, location, lot, package) whose quants' reserved_quantity differs from what the open move lines
    /// taking from them hold: Odoo keeps the two equal; 0 when the invariant holds.
    /// </summary>
    public const string ReservationMismatches = """
        SELECT count(*) FROM (
            SELECT q.product_id, q.location_id, q.lot_id, q.package_id, sum(q.reserved_quantity) AS reserved
            FROM stock_quant q GROUP BY 1, 2, 3, 4) q
        FULL JOIN (
            SELECT ml.product_id, ml.location_id, ml.lot_id, ml.package_id, sum(ml.quantity) AS reserved
            FROM stock_move_line ml JOIN stock_move m ON m.id = ml.move_id
            WHERE ml.state NOT IN ('done', 'cancel') AND m.state NOT IN ('done', 'cancel', 'draft')
            GROUP BY 1, 2, 3, 4) ml
          ON ml.product_id = q.product_id AND ml.location_id = q.location_id
         AND ml.lot_id IS NOT DISTINCT FROM q.lot_id AND ml.package_id IS NOT DISTINCT FROM q.package_id
        WHERE coalesce(q.reserved, 0) <> coalesce(ml.reserved, 0)
        """;
}
