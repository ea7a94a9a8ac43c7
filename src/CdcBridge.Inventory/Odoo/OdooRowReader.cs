using CdcBridge.Debezium.Events;

namespace CdcBridge.Inventory.Odoo;

/// <summary>Reads the typed rows availability needs out of Debezium row images (any decimal handling mode).</summary>
public static class OdooRowReader
{
    public static QuantRow Quant(RowImage r) => new(
        Required(r.GetInt("id"), "id"), Required(r.GetInt("product_id"), "product_id"), Required(r.GetInt("location_id"), "location_id"),
        r.GetInt("lot_id"), r.GetInt("package_id"), r.GetInt("owner_id"), Number(r, "quantity"), Number(r, "reserved_quantity"));

    public static MoveRow Move(RowImage r)
    {
        // product_qty is Odoo's demand in the product's UoM (stored); product_uom_qty and quantity are in the move's UoM
        // (product_uom). Their ratio is the move's unit in product units: quantity is converted with it.
        var moveUnits = Number(r, "product_uom_qty");
        var demand = r.Has("product_qty") && r["product_qty"] is not null ? Number(r, "product_qty") : moveUnits;
        var quantity = Number(r, "quantity");
        if (moveUnits != 0 && demand != moveUnits)
        {
            quantity = Math.Round(quantity * demand / moveUnits, 6, MidpointRounding.AwayFromZero);
        }

        return new(
            Required(r.GetInt("id"), "id"), Required(r.GetInt("product_id"), "product_id"), Required(r.GetInt("location_id"), "location_id"),
            Required(r.GetInt("location_dest_id"), "location_dest_id"), demand, quantity, r.GetString("state") ?? "draft",
            r.Has("sale_line_id") ? r.GetInt("sale_line_id") : null);
    }

    public static LocationRow Location(RowImage r) => new(
        Required(r.GetInt("id"), "id"), r.GetString("complete_name"), r.GetString("usage") ?? "internal", r.GetString("parent_path"),
        r.GetInt("warehouse_id"), r.GetBoolean("active") ?? true);

    public static WarehouseRow Warehouse(RowImage r) => new(
        Required(r.GetInt("id"), "id"), r.GetString("code") ?? "", r.GetString("name") ?? "", r.GetInt("lot_stock_id"),
        r.GetInt("view_location_id"), r.GetBoolean("active") ?? true);

    public static ProductRow Product(RowImage r) => new(
        Required(r.GetInt("id"), "id"), r.GetString("default_code"), Required(r.GetInt("product_tmpl_id"), "product_tmpl_id"), r.GetBoolean("active") ?? true);

    public static TemplateRow Template(RowImage r) => new(
        Required(r.GetInt("id"), "id"), r.GetString("detailed_type") ?? r.GetString("type") ?? "consu", r.GetBoolean("active") ?? true);

    public static SaleOrderRow SaleOrder(RowImage r) => new(
        Required(r.GetInt("id"), "id"), r.GetString("name") ?? "", r.GetString("origin"), r.GetString("client_order_ref"), r.GetString("state") ?? "draft");

    public static SaleLineRow SaleLine(RowImage r) => new(
        Required(r.GetInt("id"), "id"), Required(r.GetInt("order_id"), "order_id"), r.GetInt("product_id"), Number(r, "product_uom_qty"));

    /// <summary>The id of a row from a key or a delete's before image.</summary>
    public static int Id(RowImage r) => Required(r.GetInt("id"), "id");

    private static decimal Number(RowImage r, string column)
    {
        var value = r.GetDecimal(column);
        return value is null ? 0m : value.Value.TryToDecimal(out var d) ? d
            : throw new InvalidDataException($"Column {column} holds {value}, beyond what availability computes with.");
    }

    private static int Required(int? value, string column) =>
        value ?? throw new InvalidDataException($"Column {column} is null where Odoo never leaves it null.");
}
