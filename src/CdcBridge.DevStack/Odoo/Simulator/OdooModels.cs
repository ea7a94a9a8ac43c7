namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>Odoo field types as <c>fields_get</c> names them (a translated char is stored as jsonb <c>{"en_US": ...}</c>).</summary>
internal enum FieldType
{
    Integer,
    Float,
    Monetary,
    Char,
    Text,
    Boolean,
    Selection,
    Date,
    Datetime,
    Many2one,
    One2many,
    Many2many,
}

/// <summary>
/// One field of a simulated model: a stored column, or a SQL expression (computed or related fields) over the
/// model's row, written with <c>{t}</c> for the row's alias.
/// </summary>
internal sealed record OdooField(string Name, FieldType Type, string Label)
{
    public string? Column { get; init; }

    public string? Sql { get; init; }

    /// <summary>The comodel of a many2one or one2many.</summary>
    public string? Relation { get; init; }

    /// <summary>A one2many's many2one column on the comodel's table.</summary>
    public string? Inverse { get; init; }

    /// <summary>A many2many's relation table: <see cref="Column1"/> holds this model's id, <see cref="Column2"/> the comodel's.</summary>
    public string? RelationTable { get; init; }

    public string? Column1 { get; init; }

    public string? Column2 { get; init; }

    public bool Required { get; init; }

    /// <summary>Translated char (jsonb).</summary>
    public bool Translated { get; init; }

    /// <summary>Computed or otherwise not writable through create/write.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Kept in the database: a column of the model's table, or rows of a many2many's relation table.</summary>
    public bool Stored => Column is not null || RelationTable is not null;

    /// <summary>Takes command tuples on create and write (one2many, many2many).</summary>
    public bool IsX2many => Type is FieldType.One2many or FieldType.Many2many;

    /// <summary>The value as SQL (for filters and ordering): the column, its en_US text, or the computed expression.</summary>
    public string Expression(string alias) =>
        Column is not null ? (Translated ? $"({alias}.{Column}->>'en_US')" : $"{alias}.{Column}") : Sql!.Replace("{t}", alias, StringComparison.Ordinal);

    public string TypeName => Type switch
    {
        FieldType.Integer => "integer",
        FieldType.Float => "float",
        FieldType.Monetary => "monetary",
        FieldType.Char => "char",
        FieldType.Text => "text",
        FieldType.Boolean => "boolean",
        FieldType.Selection => "selection",
        FieldType.Date => "date",
        FieldType.Datetime => "datetime",
        FieldType.Many2one => "many2one",
        FieldType.Many2many => "many2many",
        _ => "one2many",
    };
}

/// <summary>A simulated Odoo model over one table of the Odoo 17 schema subset.</summary>
internal sealed class OdooModel
{
    public OdooModel(string name, string table, string description, string displayName, string order, string[] nameSearch, params OdooField[] fields)
    {
        Name = name;
        Table = table;
        Description = description;
        DisplayName = displayName;
        Order = order;
        NameSearch = nameSearch;
        var all = new Dictionary<string, OdooField>(StringComparer.Ordinal)
        {
            ["id"] = new("id", FieldType.Integer, "ID") { Column = "id", ReadOnly = true },
            ["display_name"] = new("display_name", FieldType.Char, "Display Name") { Sql = displayName, ReadOnly = true },
            ["create_date"] = new("create_date", FieldType.Datetime, "Created on") { Column = "create_date", ReadOnly = true },
            ["write_date"] = new("write_date", FieldType.Datetime, "Last Updated on") { Column = "write_date", ReadOnly = true },
            ["create_uid"] = new("create_uid", FieldType.Many2one, "Created by") { Column = "create_uid", Relation = "res.users", ReadOnly = true },
            ["write_uid"] = new("write_uid", FieldType.Many2one, "Last Updated by") { Column = "write_uid", Relation = "res.users", ReadOnly = true },
        };
        foreach (var field in fields)
        {
            all[field.Name] = field;
        }

        Fields = all;
    }

    public string Name { get; }

    public string Table { get; }

    public string Description { get; }

    /// <summary>SQL for display_name (the name Many2one values and name_search show), over <c>{t}</c>.</summary>
    public string DisplayName { get; }

    /// <summary>The default order (<c>_order</c>), as field names.</summary>
    public string Order { get; }

    /// <summary>Fields name_search matches (<c>_rec_names_search</c>), as SQL over <c>{t}</c>.</summary>
    public string[] NameSearch { get; }

    public IReadOnlyDictionary<string, OdooField> Fields { get; }

    public bool HasActive => Fields.TryGetValue("active", out var f) && f.Stored;

    public string Display(string alias) => DisplayName.Replace("{t}", alias, StringComparison.Ordinal);

    /// <summary>Default fields of read/search_read without a field list: every field but binary-like ones.</summary>
    public IEnumerable<OdooField> ReadableFields => Fields.Values;
}

/// <summary>The models the simulator answers for, restated from Odoo 17's field definitions (labels as Odoo shows them).</summary>
internal static class OdooModels
{
    private static OdooField Char(string name, string label, string? column = null) => new(name, FieldType.Char, label) { Column = column ?? name };

    private static OdooField Text(string name, string label) => new(name, FieldType.Text, label) { Column = name };

    private static OdooField Int(string name, string label) => new(name, FieldType.Integer, label) { Column = name };

    private static OdooField Float(string name, string label) => new(name, FieldType.Float, label) { Column = name };

    private static OdooField Money(string name, string label) => new(name, FieldType.Monetary, label) { Column = name };

    private static OdooField Bool(string name, string label) => new(name, FieldType.Boolean, label) { Column = name };

    private static OdooField Sel(string name, string label) => new(name, FieldType.Selection, label) { Column = name };

    private static OdooField Date(string name, string label) => new(name, FieldType.Date, label) { Column = name };

    private static OdooField Dt(string name, string label) => new(name, FieldType.Datetime, label) { Column = name };

    private static OdooField M2o(string name, string label, string relation) => new(name, FieldType.Many2one, label) { Column = name, Relation = relation };

    private static OdooField O2m(string name, string label, string relation, string inverse) =>
        new(name, FieldType.One2many, label) { Relation = relation, Inverse = inverse };

    private static OdooField M2m(string name, string label, string relation, string table, string column1, string column2) =>
        new(name, FieldType.Many2many, label) { Relation = relation, RelationTable = table, Column1 = column1, Column2 = column2 };

    private static OdooField Computed(string name, FieldType type, string label, string sql, string? relation = null) =>
        new(name, type, label) { Sql = sql, Relation = relation, ReadOnly = true };

    private const string TemplateOf = "(SELECT pt.{0} FROM product_template pt WHERE pt.id = {t}.product_tmpl_id)";

    private static string Template(string column) => TemplateOf.Replace("{0}", column, StringComparison.Ordinal);

    // Quantities over every warehouse's internal locations (Odoo's default location domain), as qty_available / free_qty.
    private const string WarehouseQuants = "FROM stock_quant q JOIN stock_location l ON l.id = q.location_id WHERE q.product_id = {t}.id AND l.usage = 'internal' "
        + "AND EXISTS (SELECT 1 FROM stock_warehouse w JOIN stock_location v ON v.id = w.view_location_id WHERE l.parent_path LIKE v.parent_path || '%')";

    public static readonly IReadOnlyDictionary<string, OdooModel> All = new[]
    {
        new OdooModel("res.partner", "res_partner", "Contact", "coalesce({t}.complete_name, {t}.name, '')", "complete_name, id desc",
            ["{t}.complete_name", "{t}.email", "{t}.ref", "{t}.vat"],
            Char("name", "Name"), Computed("complete_name", FieldType.Char, "Complete Name", "{t}.complete_name"), Sel("type", "Address Type"),
            M2o("parent_id", "Related Company", "res.partner"), O2m("child_ids", "Contact", "res.partner", "parent_id"),
            M2o("commercial_partner_id", "Commercial Entity", "res.partner") with { ReadOnly = true }, Bool("is_company", "Is a Company"),
            M2o("company_id", "Company", "res.company"), Char("email", "Email"),
            Char("email_normalized", "Normalized Email") with { ReadOnly = true }, Char("phone", "Phone"), Char("mobile", "Mobile"),
            Char("street", "Street"), Char("street2", "Street2"), Char("zip", "Zip"), Char("city", "City"),
            Int("state_id", "State"), Int("country_id", "Country"), Char("ref", "Reference"), Char("lang", "Language"), Char("tz", "Timezone"),
            Char("vat", "Tax ID"), Text("comment", "Notes"), Bool("active", "Active"), Int("customer_rank", "Customer Rank"),
            Int("supplier_rank", "Supplier Rank"), Bool("partner_share", "Share Partner"), M2o("user_id", "Salesperson", "res.users"),
            Char("function", "Job Position"), Char("website", "Website Link"), Char("company_name", "Company Name"),
            Char("commercial_company_name", "Company Name Entity") with { ReadOnly = true }),
        new OdooModel("res.users", "res_users", "User", "(SELECT p.name FROM res_partner p WHERE p.id = {t}.partner_id)", "login", ["{t}.login"],
            Char("login", "Login"), M2o("partner_id", "Related Partner", "res.partner"), M2o("company_id", "Company", "res.company"),
            Bool("active", "Active"), Bool("share", "Share User"),
            Computed("name", FieldType.Char, "Name", "(SELECT p.name FROM res_partner p WHERE p.id = {t}.partner_id)")),
        new OdooModel("res.company", "res_company", "Companies", "{t}.name", "sequence, name", ["{t}.name"],
            Char("name", "Company Name"), Int("sequence", "Sequence"), M2o("partner_id", "Partner", "res.partner"), M2o("currency_id", "Currency", "res.currency"),
            Bool("active", "Active")),
        new OdooModel("res.currency", "res_currency", "Currency", "{t}.name", "active desc, name", ["{t}.name"],
            Char("name", "Currency"), Char("symbol", "Symbol"), Float("rounding", "Rounding Factor"), Bool("active", "Active")),
        new OdooModel("uom.uom", "uom_uom", "Product Unit of Measure", "({t}.name->>'en_US')", "factor desc, id", ["({t}.name->>'en_US')"],
            new OdooField("name", FieldType.Char, "Unit of Measure") { Column = "name", Translated = true }, Float("factor", "Ratio"),
            Float("rounding", "Rounding Precision"), Sel("uom_type", "Type"), Int("category_id", "Category"), Bool("active", "Active")),
        new OdooModel("product.category", "product_category", "Product Category", "{t}.complete_name", "complete_name", ["{t}.complete_name"],
            Char("name", "Name"), Computed("complete_name", FieldType.Char, "Complete Name", "{t}.complete_name"),
            M2o("parent_id", "Parent Category", "product.category")),
        new OdooModel("product.template", "product_template", "Product", "(CASE WHEN {t}.default_code IS NOT NULL THEN '[' || {t}.default_code || '] ' ELSE '' END || ({t}.name->>'en_US'))",
            "priority desc, name, id", ["({t}.name->>'en_US')", "{t}.default_code"],
            new OdooField("name", FieldType.Char, "Name") { Column = "name", Translated = true, Required = true }, Char("default_code", "Internal Reference"), Sel("priority", "Favorite"),
            Money("list_price", "Sales Price"), Sel("type", "Product Type"), Sel("detailed_type", "Product Type"),
            M2o("uom_id", "Unit of Measure", "uom.uom"), M2o("categ_id", "Product Category", "product.category"), Bool("sale_ok", "Can be Sold"),
            Bool("active", "Active"), Sel("tracking", "Tracking"), Sel("invoice_policy", "Invoicing Policy"), Float("weight", "Weight"),
            O2m("product_variant_ids", "Products", "product.product", "product_tmpl_id"),
            M2m("taxes_id", "Customer Taxes", "account.tax", "product_taxes_rel", "prod_id", "tax_id")),
        new OdooModel("product.product", "product_product", "Product Variant",
            "(CASE WHEN {t}.default_code IS NOT NULL THEN '[' || {t}.default_code || '] ' ELSE '' END || " + Template("name->>'en_US'") + ")",
            "default_code, id", ["{t}.default_code", Template("name->>'en_US'"), "{t}.barcode"],
            Char("default_code", "Internal Reference"), Char("barcode", "Barcode"), Bool("active", "Active"),
            M2o("product_tmpl_id", "Product Template", "product.template") with { Required = true },
            Computed("name", FieldType.Char, "Name", Template("name->>'en_US'")),
            Computed("list_price", FieldType.Float, "Sales Price", Template("list_price")),
            Computed("lst_price", FieldType.Float, "Sales Price", Template("list_price")),
            Computed("type", FieldType.Selection, "Product Type", Template("type")),
            Computed("detailed_type", FieldType.Selection, "Product Type", Template("detailed_type")),
            Computed("uom_id", FieldType.Many2one, "Unit of Measure", Template("uom_id"), "uom.uom"),
            Computed("categ_id", FieldType.Many2one, "Product Category", Template("categ_id"), "product.category"),
            Computed("sale_ok", FieldType.Boolean, "Can be Sold", Template("sale_ok")),
            Computed("tracking", FieldType.Selection, "Tracking", Template("tracking")),
            Float("weight", "Weight"),
            Computed("qty_available", FieldType.Float, "Quantity On Hand", "(SELECT coalesce(sum(q.quantity), 0) " + WarehouseQuants + ")"),
            Computed("free_qty", FieldType.Float, "Free To Use Quantity", "(SELECT coalesce(sum(q.quantity - q.reserved_quantity), 0) " + WarehouseQuants + ")")),
        new OdooModel("stock.warehouse", "stock_warehouse", "Warehouse", "{t}.name", "sequence, id", ["{t}.name", "{t}.code"],
            Char("name", "Warehouse"), Char("code", "Short Name"), Bool("active", "Active"), M2o("company_id", "Company", "res.company"),
            M2o("view_location_id", "View Location", "stock.location"), M2o("lot_stock_id", "Location Stock", "stock.location"),
            Sel("delivery_steps", "Outgoing Shipments"), Sel("reception_steps", "Incoming Shipments"),
            M2o("out_type_id", "Out Type", "stock.picking.type"), M2o("pick_type_id", "Pick Type", "stock.picking.type"), Int("sequence", "Sequence")),
        new OdooModel("stock.location", "stock_location", "Inventory Locations", "coalesce({t}.complete_name, {t}.name)", "complete_name, id",
            ["{t}.complete_name", "{t}.barcode"],
            Char("name", "Location Name"), Computed("complete_name", FieldType.Char, "Full Location Name", "{t}.complete_name"), Sel("usage", "Location Type"),
            M2o("location_id", "Parent Location", "stock.location"), M2o("warehouse_id", "Warehouse", "stock.warehouse"), Bool("active", "Active"),
            M2o("company_id", "Company", "res.company")),
        new OdooModel("stock.picking.type", "stock_picking_type", "Picking Type",
            "coalesce((SELECT w.name || ': ' FROM stock_warehouse w WHERE w.id = {t}.warehouse_id), '') || ({t}.name->>'en_US')", "sequence, id",
            ["({t}.name->>'en_US')"],
            new OdooField("name", FieldType.Char, "Operation Type") { Column = "name", Translated = true }, Sel("code", "Type of Operation"), Int("sequence", "Sequence"),
            Char("sequence_code", "Sequence Prefix"), M2o("warehouse_id", "Warehouse", "stock.warehouse"), Sel("reservation_method", "Reservation Method"),
            M2o("default_location_src_id", "Default Source Location", "stock.location"),
            M2o("default_location_dest_id", "Default Destination Location", "stock.location"), Bool("active", "Active")),
        new OdooModel("procurement.group", "procurement_group", "Procurement Group", "{t}.name", "id desc", ["{t}.name"],
            Char("name", "Reference"), Sel("move_type", "Delivery Type"), M2o("partner_id", "Partner", "res.partner"), M2o("sale_id", "Sale Order", "sale.order")),
        new OdooModel("stock.picking", "stock_picking", "Transfer", "{t}.name", "priority desc, scheduled_date asc, id desc", ["{t}.name", "{t}.origin"],
            Char("name", "Reference"), Char("origin", "Source Document"), Sel("state", "Status"), Sel("move_type", "Shipping Policy"),
            M2o("picking_type_id", "Operation Type", "stock.picking.type"), M2o("location_id", "Source Location", "stock.location"),
            M2o("location_dest_id", "Destination Location", "stock.location"), M2o("partner_id", "Contact", "res.partner"),
            M2o("group_id", "Procurement Group", "procurement.group"), M2o("sale_id", "Sales Order", "sale.order"),
            Dt("scheduled_date", "Scheduled Date"), Dt("date_deadline", "Deadline"), Dt("date_done", "Date of Transfer"),
            M2o("company_id", "Company", "res.company"), Sel("priority", "Priority"),
            O2m("move_ids", "Stock moves", "stock.move", "picking_id"), O2m("move_line_ids", "Operations", "stock.move.line", "picking_id")),
        new OdooModel("stock.move", "stock_move", "Stock Move", "coalesce({t}.reference, {t}.name)", "sequence, id", ["{t}.name", "{t}.reference"],
            Char("name", "Description"), Int("sequence", "Sequence"), Sel("state", "Status"), M2o("product_id", "Product", "product.product"),
            Float("product_uom_qty", "Demand"), Float("product_qty", "Real Quantity"), Float("quantity", "Quantity"), Bool("picked", "Picked"),
            M2o("product_uom", "UoM", "uom.uom"), M2o("location_id", "Source Location", "stock.location"),
            M2o("location_dest_id", "Destination Location", "stock.location"), M2o("picking_id", "Transfer", "stock.picking"),
            M2o("picking_type_id", "Operation Type", "stock.picking.type"), M2o("group_id", "Procurement Group", "procurement.group"),
            M2o("sale_line_id", "Sale Line", "sale.order.line"), M2o("partner_id", "Destination Address", "res.partner"),
            M2o("warehouse_id", "Warehouse", "stock.warehouse"), Sel("procure_method", "Supply Method"), Char("origin", "Source Document"),
            Char("reference", "Reference"), Dt("date", "Date Scheduled"), Dt("date_deadline", "Deadline"),
            O2m("move_line_ids", "Move Lines", "stock.move.line", "move_id")),
        new OdooModel("stock.move.line", "stock_move_line", "Product Moves (Stock Move Line)",
            "coalesce({t}.reference, '') || ' - ' || coalesce((SELECT pp.default_code FROM product_product pp WHERE pp.id = {t}.product_id), '')",
            "location_id asc, location_dest_id asc, picking_id asc, id", ["{t}.reference"],
            M2o("move_id", "Stock Operation", "stock.move"), M2o("picking_id", "Transfer", "stock.picking"), M2o("product_id", "Product", "product.product"),
            Float("quantity", "Quantity"), Float("quantity_product_uom", "Quantity in Product UoM"), Bool("picked", "Picked"),
            M2o("location_id", "From", "stock.location"), M2o("location_dest_id", "To", "stock.location"), M2o("lot_id", "Lot/Serial Number", "stock.lot"),
            Int("package_id", "Source Package"), Int("owner_id", "From Owner"), Sel("state", "Status"), Char("reference", "Reference"),
            M2o("product_uom_id", "Unit of Measure", "uom.uom"), Dt("date", "Date")),
        new OdooModel("stock.quant", "stock_quant", "Quants",
            "coalesce((SELECT l.complete_name FROM stock_location l WHERE l.id = {t}.location_id), '')", "id", ["(SELECT l.complete_name FROM stock_location l WHERE l.id = {t}.location_id)"],
            M2o("product_id", "Product", "product.product"), M2o("location_id", "Location", "stock.location"), M2o("lot_id", "Lot/Serial Number", "stock.lot"),
            Int("package_id", "Package"), Float("quantity", "Quantity"), Float("reserved_quantity", "Reserved Quantity"), Dt("in_date", "Incoming Date")),
        new OdooModel("stock.lot", "stock_lot", "Lot/Serial", "{t}.name", "name, id", ["{t}.name", "{t}.ref"],
            Char("name", "Lot/Serial Number"), M2o("product_id", "Product", "product.product"), Char("ref", "Internal Reference")),
        new OdooModel("sale.order", "sale_order", "Sales Order", "{t}.name", "date_order desc, id desc",
            ["{t}.name", "(SELECT p.name FROM res_partner p WHERE p.id = {t}.partner_id)"],
            Char("name", "Order Reference") with { Required = true }, Sel("state", "Status"), Bool("locked", "Locked"),
            M2o("partner_id", "Customer", "res.partner") with { Required = true },
            M2o("partner_invoice_id", "Invoice Address", "res.partner") with { Required = true },
            M2o("partner_shipping_id", "Delivery Address", "res.partner") with { Required = true },
            M2o("company_id", "Company", "res.company") with { Required = true }, Dt("date_order", "Order Date") with { Required = true },
            Char("client_order_ref", "Customer Reference"), Char("origin", "Source Document"), Char("reference", "Payment Ref."),
            M2o("currency_id", "Currency", "res.currency"), M2o("user_id", "Salesperson", "res.users"),
            M2o("warehouse_id", "Warehouse", "stock.warehouse") with { Required = true }, Sel("picking_policy", "Shipping Policy") with { Required = true },
            Money("amount_untaxed", "Untaxed Amount") with { ReadOnly = true }, Money("amount_tax", "Taxes") with { ReadOnly = true },
            Money("amount_total", "Total") with { ReadOnly = true }, Sel("invoice_status", "Invoice Status") with { ReadOnly = true },
            Sel("delivery_status", "Delivery Status") with { ReadOnly = true },
            M2o("procurement_group_id", "Procurement Group", "procurement.group") with { ReadOnly = true },
            Text("note", "Terms and conditions"), Dt("commitment_date", "Delivery Date"), Date("validity_date", "Expiration"),
            Dt("expected_date", "Expected Date") with { ReadOnly = true },
            O2m("order_line", "Order Lines", "sale.order.line", "order_id"),
            O2m("picking_ids", "Transfers", "stock.picking", "sale_id") with { ReadOnly = true },
            Computed("delivery_count", FieldType.Integer, "Delivery Orders", "(SELECT count(*)::int FROM stock_picking sp WHERE sp.sale_id = {t}.id)")),
        new OdooModel("sale.order.line", "sale_order_line", "Sales Order Line",
            "(SELECT so.name FROM sale_order so WHERE so.id = {t}.order_id) || ' - ' || {t}.name", "order_id, sequence, id", ["{t}.name"],
            M2o("order_id", "Order Reference", "sale.order") with { Required = true }, Int("sequence", "Sequence"),
            M2o("product_id", "Product", "product.product"), Text("name", "Description"), Float("product_uom_qty", "Quantity"),
            M2o("product_uom", "Unit of Measure", "uom.uom"), Float("price_unit", "Unit Price"), Float("discount", "Discount (%)"),
            Money("price_subtotal", "Subtotal") with { ReadOnly = true }, Float("price_tax", "Total Tax") with { ReadOnly = true },
            Money("price_total", "Total") with { ReadOnly = true }, Float("qty_delivered", "Delivery Quantity") with { ReadOnly = true },
            Float("qty_invoiced", "Invoiced Quantity") with { ReadOnly = true }, Float("qty_to_invoice", "Quantity To Invoice") with { ReadOnly = true },
            Sel("state", "Order Status") with { ReadOnly = true }, Sel("display_type", "Display Type"), Float("customer_lead", "Lead Time"),
            M2o("company_id", "Company", "res.company") with { ReadOnly = true }, M2o("currency_id", "Currency", "res.currency") with { ReadOnly = true },
            M2o("order_partner_id", "Customer", "res.partner") with { ReadOnly = true }, Sel("invoice_status", "Invoice Status") with { ReadOnly = true },
            O2m("move_ids", "Stock Moves", "stock.move", "sale_line_id") with { ReadOnly = true },
            M2m("tax_id", "Taxes", "account.tax", "account_tax_sale_order_line_rel", "sale_order_line_id", "account_tax_id")),
        new OdooModel("account.tax", "account_tax", "Tax", "({t}.name->>'en_US')", "sequence, id", ["({t}.name->>'en_US')", "({t}.description->>'en_US')"],
            new OdooField("name", FieldType.Char, "Tax Name") { Column = "name", Translated = true, Required = true },
            Sel("type_tax_use", "Tax Type") with { Required = true }, Sel("tax_scope", "Tax Scope"),
            Sel("amount_type", "Tax Computation") with { Required = true }, Bool("active", "Active"),
            M2o("company_id", "Company", "res.company") with { Required = true }, Int("sequence", "Sequence") with { Required = true },
            Float("amount", "Amount") with { Required = true }, Bool("price_include", "Included in Price"),
            Bool("include_base_amount", "Affect Base of Subsequent Taxes"), Bool("is_base_affected", "Base Affected by Previous Taxes"),
            Sel("tax_exigibility", "Tax Exigibility"), Int("tax_group_id", "Tax Group"), Int("country_id", "Country")),
        new OdooModel("ir.model.data", "ir_model_data", "Model Data", "{t}.module || '.' || {t}.name", "module, model, name", ["{t}.module || '.' || {t}.name"],
            Char("name", "External Identifier") with { Required = true }, Char("module", "Module") with { Required = true },
            Char("model", "Model Name") with { Required = true }, Int("res_id", "Record ID"), Bool("noupdate", "Non Updatable"),
            Computed("complete_name", FieldType.Char, "Complete ID", "{t}.module || '.' || {t}.name")),
    }.ToDictionary(m => m.Name, StringComparer.Ordinal);
}
