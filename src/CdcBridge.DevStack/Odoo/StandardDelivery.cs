using Npgsql;

namespace CdcBridge.DevStack.Odoo;

/// <summary>
/// What installing Odoo's delivery module adds and the order writer needs for shipping lines: the "Standard delivery"
/// service product, Internal Reference <c>Delivery_007</c>, external id <c>delivery.product_product_delivery</c>
/// (Odoo 17 addons/delivery/data/delivery_data.xml). A service: availability never counts it.
/// </summary>
public static class StandardDelivery
{
    public const string DefaultCode = "Delivery_007";

    /// <summary>Adds the product unless it is there; returns its product_product id.</summary>
    public static async Task<int> InstallAsync(NpgsqlConnection odoo, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(odoo);
        await using (var existing = new NpgsqlCommand("SELECT id FROM product_product WHERE default_code = $1", odoo))
        {
            existing.Parameters.Add(new() { Value = DefaultCode });
            if (await existing.ExecuteScalarAsync(ct) is int id)
            {
                return id;
            }
        }

        await using var command = new NpgsqlCommand(
            """
            WITH t AS (
                INSERT INTO product_template (name, detailed_type, type, categ_id, list_price, sale_ok, purchase_ok, uom_id, uom_po_id, active,
                                              default_code, sale_line_warn, invoice_policy, sale_delay, tracking, create_uid, create_date, write_uid, write_date)
                SELECT '{"en_US": "Standard delivery"}'::jsonb, 'service', 'service', (SELECT min(id) FROM product_category), 0, false, false,
                       u.id, u.id, true, $1, 'no-message', 'order', 0, 'none', 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
                FROM uom_uom u ORDER BY u.id LIMIT 1
                RETURNING id)
            , p AS (
                INSERT INTO product_product (default_code, active, product_tmpl_id, create_uid, create_date, write_uid, write_date)
                SELECT $1, true, t.id, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC' FROM t RETURNING id)
            , x AS (
                INSERT INTO ir_model_data (module, name, model, res_id, noupdate) SELECT 'delivery', 'product_product_delivery', 'product.product', p.id, true FROM p)
            SELECT id FROM p
            """, odoo);
        command.Parameters.Add(new() { Value = DefaultCode });
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }
}
