-- The subset of Odoo 17.0's database that CdcBridge's flows read and write, as Odoo's ORM creates it.
-- Source: odoo/odoo 17.0 field definitions (addons base, product, uom, stock, sale, sale_stock, stock_account,
-- account, mail), restated from the project's research notes. Rules the ORM follows and this file keeps:
--   * id SERIAL primary key; create_uid/write_uid (FK res_users, ON DELETE SET NULL) and create_date/write_date
--     (timestamp without time zone, naive UTC, set to the transaction start) on every table;
--   * Float fields with digits and Monetary fields are numeric without precision or scale; Float without digits
--     is double precision; translated Char/Text are jsonb {"en_US": ...}; Selection is varchar (no CHECK);
--   * NOT NULL only where the field is required; no DB defaults (the ORM fills them);
--   * Many2one is int4 with a FK named <table>_<column>_fkey, ON DELETE SET NULL unless required (RESTRICT)
--     or declared otherwise (CASCADE where Odoo says so).
-- Tables outside the subset (routes, rules, accounts, countries, ...) are not created: their Many2one columns
-- are kept as plain int4 without a FK so that rows look like Odoo's.

-- Supporting tables: required Many2one targets of the subset, reduced to the columns the flows use.
CREATE TABLE res_users (
    id serial PRIMARY KEY,
    login varchar NOT NULL,
    partner_id int4 NOT NULL,
    company_id int4 NOT NULL,
    active bool,
    share bool,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);
CREATE UNIQUE INDEX res_users_login_key ON res_users (login);

CREATE TABLE res_currency (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    symbol varchar NOT NULL,
    rounding numeric,
    decimal_places int4,
    active bool,
    position varchar,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);

CREATE TABLE uom_category (
    id serial PRIMARY KEY,
    name jsonb NOT NULL,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);

CREATE TABLE product_category (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    complete_name varchar,
    parent_id int4,
    parent_path varchar,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);

CREATE TABLE stock_quant_package (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    location_id int4,
    company_id int4,
    package_use varchar NOT NULL,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);

CREATE TABLE procurement_group (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    move_type varchar NOT NULL,
    partner_id int4,
    sale_id int4,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);

-- External identifiers (xmlids): the unique (module, name) index is what makes load()/xmlid writes race-proof.
CREATE TABLE ir_model_data (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    module varchar NOT NULL,
    model varchar NOT NULL,
    res_id int4,
    noupdate bool,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);
CREATE UNIQUE INDEX ir_model_data_module_name_uniq_index ON ir_model_data (module, name);

-- base
CREATE TABLE res_partner (
    id serial PRIMARY KEY,
    name varchar,
    complete_name varchar,
    date date,
    title int4,
    parent_id int4,
    ref varchar,
    lang varchar,
    tz varchar,
    user_id int4,
    vat varchar,
    company_registry varchar,
    website varchar,
    comment text,
    active bool,
    employee bool,
    function varchar,
    type varchar,
    street varchar,
    street2 varchar,
    zip varchar,
    city varchar,
    state_id int4,
    country_id int4,
    partner_latitude numeric,
    partner_longitude numeric,
    email varchar,
    phone varchar,
    mobile varchar,
    is_company bool,
    industry_id int4,
    company_id int4,
    color int4,
    partner_share bool,
    commercial_partner_id int4,
    commercial_company_name varchar,
    company_name varchar,
    sale_warn varchar,
    sale_warn_msg text,
    picking_warn varchar,
    picking_warn_msg text,
    debit_limit numeric,
    last_time_entries_checked timestamp,
    invoice_warn varchar,
    invoice_warn_msg text,
    supplier_rank int4,
    customer_rank int4,
    email_normalized varchar,
    message_bounce int4,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp,
    CONSTRAINT res_partner_check_name CHECK (type = 'contact' AND name IS NOT NULL OR type <> 'contact')
);
CREATE INDEX res_partner__email_normalized_index ON res_partner (email_normalized);
CREATE INDEX res_partner__parent_id_index ON res_partner (parent_id);

CREATE TABLE res_company (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    active bool,
    sequence int4,
    parent_id int4,
    parent_path varchar,
    partner_id int4 NOT NULL,
    report_header jsonb,
    report_footer jsonb,
    company_details jsonb,
    logo_web bytea,
    uses_default_logo bool,
    currency_id int4 NOT NULL,
    email varchar,
    phone varchar,
    mobile varchar,
    paperformat_id int4,
    external_report_layout_id int4,
    font varchar,
    primary_color varchar,
    secondary_color varchar,
    layout_background varchar NOT NULL,
    internal_transit_location_id int4,
    stock_move_email_validation bool,
    stock_mail_confirmation_template_id int4,
    annual_inventory_month varchar,
    annual_inventory_day int4,
    portal_confirmation_sign bool,
    portal_confirmation_pay bool,
    prepayment_percent double precision,
    quotation_validity_days int4,
    sale_discount_product_id int4,
    sale_down_payment_product_id int4,
    sale_onboarding_payment_method varchar,
    security_lead double precision NOT NULL,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp,
    CONSTRAINT res_company_name_uniq UNIQUE (name)
);

-- uom
CREATE TABLE uom_uom (
    id serial PRIMARY KEY,
    name jsonb NOT NULL,
    category_id int4 NOT NULL,
    factor numeric NOT NULL,
    rounding numeric NOT NULL,
    active bool,
    uom_type varchar NOT NULL,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp,
    CONSTRAINT uom_uom_factor_gt_zero CHECK (factor != 0),
    CONSTRAINT uom_uom_rounding_gt_zero CHECK (rounding > 0),
    CONSTRAINT uom_uom_factor_reference_is_one CHECK ((uom_type = 'reference' AND factor = 1.0) OR (uom_type != 'reference'))
);

-- product (+ sale, stock)
CREATE TABLE product_template (
    id serial PRIMARY KEY,
    name jsonb NOT NULL,
    sequence int4,
    description jsonb,
    description_purchase jsonb,
    description_sale jsonb,
    detailed_type varchar NOT NULL,
    type varchar,
    categ_id int4 NOT NULL,
    list_price numeric,
    volume numeric,
    weight numeric,
    sale_ok bool,
    purchase_ok bool,
    uom_id int4 NOT NULL,
    uom_po_id int4 NOT NULL,
    company_id int4,
    active bool,
    color int4,
    default_code varchar,
    can_image_1024_be_zoomed bool,
    has_configurable_attributes bool,
    priority varchar,
    product_properties jsonb,
    service_type varchar,
    sale_line_warn varchar NOT NULL,
    sale_line_warn_msg text,
    expense_policy varchar,
    invoice_policy varchar,
    sale_delay int4,
    tracking varchar NOT NULL,
    description_picking jsonb,
    description_pickingout jsonb,
    description_pickingin jsonb,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);

CREATE TABLE product_product (
    id serial PRIMARY KEY,
    default_code varchar,
    active bool,
    product_tmpl_id int4 NOT NULL,
    barcode varchar,
    combination_indices varchar,
    volume numeric,
    weight numeric,
    image_variant_1024 bytea,
    image_variant_512 bytea,
    image_variant_256 bytea,
    image_variant_128 bytea,
    can_image_variant_1024_be_zoomed bool,
    lot_properties_definition jsonb,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);
CREATE INDEX product_product__default_code_index ON product_product (default_code);
CREATE UNIQUE INDEX product_product_combination_unique ON product_product (product_tmpl_id, combination_indices) WHERE active IS TRUE;

-- stock
CREATE TABLE stock_location (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    complete_name varchar,
    active bool,
    usage varchar NOT NULL,
    location_id int4,
    comment text,
    posx int4,
    posy int4,
    posz int4,
    parent_path varchar,
    company_id int4,
    scrap_location bool,
    return_location bool,
    replenish_location bool,
    removal_strategy_id int4,
    barcode varchar,
    cyclic_inventory_frequency int4,
    last_inventory_date date,
    next_inventory_date date,
    warehouse_id int4,
    storage_category_id int4,
    valuation_in_account_id int4,
    valuation_out_account_id int4,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp,
    CONSTRAINT stock_location_barcode_company_uniq UNIQUE (barcode, company_id)
);
CREATE INDEX stock_location__parent_path_index ON stock_location (parent_path);

CREATE TABLE stock_warehouse (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    active bool,
    company_id int4 NOT NULL,
    partner_id int4,
    view_location_id int4 NOT NULL,
    lot_stock_id int4 NOT NULL,
    code varchar NOT NULL,
    reception_steps varchar NOT NULL,
    delivery_steps varchar NOT NULL,
    wh_input_stock_loc_id int4,
    wh_qc_stock_loc_id int4,
    wh_output_stock_loc_id int4,
    wh_pack_stock_loc_id int4,
    mto_pull_id int4,
    pick_type_id int4,
    pack_type_id int4,
    out_type_id int4,
    in_type_id int4,
    int_type_id int4,
    crossdock_route_id int4,
    reception_route_id int4,
    delivery_route_id int4,
    sequence int4,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp,
    CONSTRAINT stock_warehouse_warehouse_name_uniq UNIQUE (name, company_id),
    CONSTRAINT stock_warehouse_warehouse_code_uniq UNIQUE (code, company_id)
);

CREATE TABLE stock_picking_type (
    id serial PRIMARY KEY,
    name jsonb NOT NULL,
    color int4,
    sequence int4,
    sequence_id int4,
    sequence_code varchar NOT NULL,
    default_location_src_id int4,
    default_location_dest_id int4,
    default_location_return_id int4,
    code varchar NOT NULL,
    return_picking_type_id int4,
    show_entire_packs bool,
    warehouse_id int4,
    active bool,
    use_create_lots bool,
    use_existing_lots bool,
    print_label bool,
    show_operations bool,
    show_reserved bool,
    reservation_method varchar NOT NULL,
    reservation_days_before int4,
    reservation_days_before_priority int4,
    auto_show_reception_report bool,
    auto_print_delivery_slip bool,
    auto_print_return_slip bool,
    auto_print_product_labels bool,
    auto_print_lot_labels bool,
    auto_print_reception_report bool,
    auto_print_reception_report_labels bool,
    auto_print_packages bool,
    auto_print_package_label bool,
    product_label_format varchar,
    lot_label_format varchar,
    package_label_to_print varchar,
    barcode varchar,
    company_id int4 NOT NULL,
    create_backorder varchar NOT NULL,
    picking_properties_definition jsonb,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);

CREATE TABLE stock_lot (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    ref varchar,
    product_id int4 NOT NULL,
    product_uom_id int4,
    note text,
    company_id int4 NOT NULL,
    lot_properties jsonb,
    location_id int4,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);

-- No unique constraint on (product, location, lot, package, owner): Odoo inserts duplicate quants when every
-- candidate row is locked, and merges them later.
CREATE TABLE stock_quant (
    id serial PRIMARY KEY,
    product_id int4 NOT NULL,
    company_id int4,
    location_id int4 NOT NULL,
    storage_category_id int4,
    lot_id int4,
    package_id int4,
    owner_id int4,
    quantity numeric,
    reserved_quantity numeric NOT NULL,
    in_date timestamp NOT NULL,
    inventory_quantity numeric,
    inventory_diff_quantity numeric,
    inventory_date date,
    inventory_quantity_set bool,
    user_id int4,
    accounting_date date,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);
CREATE INDEX stock_quant__product_id_index ON stock_quant (product_id);
CREATE INDEX stock_quant__location_id_index ON stock_quant (location_id);

-- sale (declared before stock_move/stock_picking, which point at them)
CREATE TABLE sale_order (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    company_id int4 NOT NULL,
    partner_id int4 NOT NULL,
    state varchar,
    locked bool,
    client_order_ref varchar,
    commitment_date timestamp,
    date_order timestamp NOT NULL,
    origin varchar,
    reference varchar,
    require_signature bool,
    require_payment bool,
    prepayment_percent double precision,
    signed_by varchar,
    signed_on timestamp,
    validity_date date,
    journal_id int4,
    note text,
    partner_invoice_id int4 NOT NULL,
    partner_shipping_id int4 NOT NULL,
    fiscal_position_id int4,
    payment_term_id int4,
    pricelist_id int4,
    currency_id int4,
    currency_rate numeric,
    user_id int4,
    team_id int4,
    amount_untaxed numeric,
    amount_tax numeric,
    amount_total numeric,
    amount_to_invoice numeric,
    invoice_status varchar,
    campaign_id int4,
    medium_id int4,
    source_id int4,
    analytic_account_id int4,
    incoterm int4,
    incoterm_location varchar,
    picking_policy varchar NOT NULL,
    warehouse_id int4 NOT NULL,
    delivery_status varchar,
    procurement_group_id int4,
    effective_date timestamp,
    expected_date timestamp,
    sale_order_template_id int4,
    access_token varchar,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp,
    CONSTRAINT sale_order_date_order_conditional_required CHECK ((state = 'sale' AND date_order IS NOT NULL) OR state != 'sale')
);
CREATE INDEX sale_order__client_order_ref_index ON sale_order (client_order_ref);

CREATE TABLE sale_order_line (
    id serial PRIMARY KEY,
    order_id int4 NOT NULL,
    sequence int4,
    company_id int4,
    currency_id int4,
    order_partner_id int4,
    salesman_id int4,
    state varchar,
    display_type varchar,
    is_downpayment bool,
    is_expense bool,
    product_id int4,
    name text NOT NULL,
    product_uom_qty numeric NOT NULL,
    product_uom int4,
    price_unit numeric NOT NULL,
    discount numeric,
    price_subtotal numeric,
    price_tax double precision,
    price_total numeric,
    price_reduce_taxexcl numeric,
    price_reduce_taxinc numeric,
    product_packaging_id int4,
    product_packaging_qty double precision,
    customer_lead double precision NOT NULL,
    qty_delivered_method varchar,
    qty_delivered numeric,
    qty_invoiced numeric,
    qty_to_invoice numeric,
    invoice_status varchar,
    untaxed_amount_invoiced numeric,
    untaxed_amount_to_invoice numeric,
    route_id int4,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp,
    CONSTRAINT sale_order_line_accountable_required_fields CHECK (display_type IS NOT NULL OR (product_id IS NOT NULL AND product_uom IS NOT NULL)),
    CONSTRAINT sale_order_line_non_accountable_null_fields CHECK (display_type IS NULL OR (product_id IS NULL AND price_unit = 0 AND product_uom_qty = 0 AND product_uom IS NULL AND customer_lead = 0))
);

CREATE TABLE stock_picking (
    id serial PRIMARY KEY,
    name varchar,
    origin varchar,
    note text,
    backorder_id int4,
    return_id int4,
    move_type varchar NOT NULL,
    state varchar,
    group_id int4,
    priority varchar,
    scheduled_date timestamp,
    date_deadline timestamp,
    has_deadline_issue bool,
    date timestamp,
    date_done timestamp,
    location_id int4 NOT NULL,
    location_dest_id int4 NOT NULL,
    picking_type_id int4 NOT NULL,
    partner_id int4,
    company_id int4,
    user_id int4,
    owner_id int4,
    printed bool,
    is_locked bool,
    picking_properties jsonb,
    sale_id int4,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp,
    CONSTRAINT stock_picking_name_uniq UNIQUE (name, company_id)
);

CREATE TABLE stock_move (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    sequence int4,
    priority varchar,
    date timestamp NOT NULL,
    date_deadline timestamp,
    company_id int4 NOT NULL,
    product_id int4 NOT NULL,
    description_picking text,
    product_qty numeric,
    product_uom_qty numeric NOT NULL,
    product_uom int4 NOT NULL,
    location_id int4 NOT NULL,
    location_dest_id int4 NOT NULL,
    partner_id int4,
    picking_id int4,
    state varchar,
    picked bool,
    price_unit double precision,
    origin varchar,
    procure_method varchar NOT NULL,
    scrapped bool,
    scrap_id int4,
    group_id int4,
    rule_id int4,
    propagate_cancel bool,
    delay_alert_date timestamp,
    picking_type_id int4,
    is_inventory bool,
    origin_returned_move_id int4,
    restrict_partner_id int4,
    warehouse_id int4,
    quantity numeric,
    additional bool,
    reference varchar,
    package_level_id int4,
    next_serial varchar,
    next_serial_count int4,
    orderpoint_id int4,
    reservation_date date,
    product_packaging_id int4,
    sale_line_id int4,
    to_refund bool,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);
CREATE INDEX stock_move__state_index ON stock_move (state);
CREATE INDEX stock_move__product_id_index ON stock_move (product_id);

CREATE TABLE stock_move_line (
    id serial PRIMARY KEY,
    picking_id int4,
    move_id int4,
    company_id int4 NOT NULL,
    product_id int4,
    product_uom_id int4 NOT NULL,
    product_category_name varchar,
    quantity numeric,
    quantity_product_uom numeric,
    picked bool,
    package_id int4,
    package_level_id int4,
    lot_id int4,
    lot_name varchar,
    result_package_id int4,
    date timestamp NOT NULL,
    owner_id int4,
    location_id int4 NOT NULL,
    location_dest_id int4 NOT NULL,
    state varchar,
    reference varchar,
    description_picking text,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);
CREATE INDEX stock_move_line__move_id_index ON stock_move_line (move_id);

-- Foreign keys, added after the tables as Odoo's ORM does (the graph has cycles: partner <-> company <-> users).
-- Helper: ON DELETE per field (SET NULL by default, RESTRICT when required, CASCADE where Odoo declares it).
CREATE FUNCTION pg_temp.fk(tbl text, col text, target text, ondelete text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES %I(id) ON DELETE %s',
                   tbl, tbl || '_' || col || '_fkey', col, target, ondelete);
END $$;

-- Magic columns on every table.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['res_users','res_currency','uom_category','product_category','stock_quant_package',
        'procurement_group','ir_model_data','res_partner','res_company','uom_uom','product_template','product_product',
        'stock_location','stock_warehouse','stock_picking_type','stock_lot','stock_quant','sale_order','sale_order_line',
        'stock_picking','stock_move','stock_move_line']
    LOOP
        PERFORM pg_temp.fk(t, 'create_uid', 'res_users', 'SET NULL');
        PERFORM pg_temp.fk(t, 'write_uid', 'res_users', 'SET NULL');
    END LOOP;
END $$;

SELECT pg_temp.fk('res_users', 'partner_id', 'res_partner', 'RESTRICT');
SELECT pg_temp.fk('res_users', 'company_id', 'res_company', 'RESTRICT');
SELECT pg_temp.fk('product_category', 'parent_id', 'product_category', 'CASCADE');
SELECT pg_temp.fk('stock_quant_package', 'location_id', 'stock_location', 'SET NULL');
SELECT pg_temp.fk('stock_quant_package', 'company_id', 'res_company', 'SET NULL');
SELECT pg_temp.fk('procurement_group', 'partner_id', 'res_partner', 'SET NULL');
SELECT pg_temp.fk('procurement_group', 'sale_id', 'sale_order', 'SET NULL');

SELECT pg_temp.fk('res_partner', 'parent_id', 'res_partner', 'SET NULL');
SELECT pg_temp.fk('res_partner', 'user_id', 'res_users', 'SET NULL');
SELECT pg_temp.fk('res_partner', 'company_id', 'res_company', 'SET NULL');
SELECT pg_temp.fk('res_partner', 'commercial_partner_id', 'res_partner', 'SET NULL');

SELECT pg_temp.fk('res_company', 'parent_id', 'res_company', 'SET NULL');
SELECT pg_temp.fk('res_company', 'partner_id', 'res_partner', 'RESTRICT');
SELECT pg_temp.fk('res_company', 'currency_id', 'res_currency', 'RESTRICT');
SELECT pg_temp.fk('res_company', 'internal_transit_location_id', 'stock_location', 'RESTRICT');
SELECT pg_temp.fk('res_company', 'sale_discount_product_id', 'product_product', 'SET NULL');
SELECT pg_temp.fk('res_company', 'sale_down_payment_product_id', 'product_product', 'SET NULL');

SELECT pg_temp.fk('uom_uom', 'category_id', 'uom_category', 'RESTRICT');

SELECT pg_temp.fk('product_template', 'categ_id', 'product_category', 'RESTRICT');
SELECT pg_temp.fk('product_template', 'uom_id', 'uom_uom', 'RESTRICT');
SELECT pg_temp.fk('product_template', 'uom_po_id', 'uom_uom', 'RESTRICT');
SELECT pg_temp.fk('product_template', 'company_id', 'res_company', 'SET NULL');
SELECT pg_temp.fk('product_product', 'product_tmpl_id', 'product_template', 'CASCADE');

SELECT pg_temp.fk('stock_location', 'location_id', 'stock_location', 'CASCADE');
SELECT pg_temp.fk('stock_location', 'company_id', 'res_company', 'SET NULL');
SELECT pg_temp.fk('stock_location', 'warehouse_id', 'stock_warehouse', 'SET NULL');

SELECT pg_temp.fk('stock_warehouse', 'company_id', 'res_company', 'RESTRICT');
SELECT pg_temp.fk('stock_warehouse', 'partner_id', 'res_partner', 'SET NULL');
SELECT pg_temp.fk('stock_warehouse', 'view_location_id', 'stock_location', 'RESTRICT');
SELECT pg_temp.fk('stock_warehouse', 'lot_stock_id', 'stock_location', 'RESTRICT');
SELECT pg_temp.fk('stock_warehouse', 'wh_input_stock_loc_id', 'stock_location', 'SET NULL');
SELECT pg_temp.fk('stock_warehouse', 'wh_qc_stock_loc_id', 'stock_location', 'SET NULL');
SELECT pg_temp.fk('stock_warehouse', 'wh_output_stock_loc_id', 'stock_location', 'SET NULL');
SELECT pg_temp.fk('stock_warehouse', 'wh_pack_stock_loc_id', 'stock_location', 'SET NULL');
SELECT pg_temp.fk('stock_warehouse', 'pick_type_id', 'stock_picking_type', 'SET NULL');
SELECT pg_temp.fk('stock_warehouse', 'pack_type_id', 'stock_picking_type', 'SET NULL');
SELECT pg_temp.fk('stock_warehouse', 'out_type_id', 'stock_picking_type', 'SET NULL');
SELECT pg_temp.fk('stock_warehouse', 'in_type_id', 'stock_picking_type', 'SET NULL');
SELECT pg_temp.fk('stock_warehouse', 'int_type_id', 'stock_picking_type', 'SET NULL');

SELECT pg_temp.fk('stock_picking_type', 'default_location_src_id', 'stock_location', 'SET NULL');
SELECT pg_temp.fk('stock_picking_type', 'default_location_dest_id', 'stock_location', 'SET NULL');
SELECT pg_temp.fk('stock_picking_type', 'default_location_return_id', 'stock_location', 'SET NULL');
SELECT pg_temp.fk('stock_picking_type', 'return_picking_type_id', 'stock_picking_type', 'SET NULL');
SELECT pg_temp.fk('stock_picking_type', 'warehouse_id', 'stock_warehouse', 'CASCADE');
SELECT pg_temp.fk('stock_picking_type', 'company_id', 'res_company', 'RESTRICT');

SELECT pg_temp.fk('stock_lot', 'product_id', 'product_product', 'RESTRICT');
SELECT pg_temp.fk('stock_lot', 'product_uom_id', 'uom_uom', 'SET NULL');
SELECT pg_temp.fk('stock_lot', 'company_id', 'res_company', 'RESTRICT');
SELECT pg_temp.fk('stock_lot', 'location_id', 'stock_location', 'SET NULL');

SELECT pg_temp.fk('stock_quant', 'product_id', 'product_product', 'RESTRICT');
SELECT pg_temp.fk('stock_quant', 'company_id', 'res_company', 'SET NULL');
SELECT pg_temp.fk('stock_quant', 'location_id', 'stock_location', 'RESTRICT');
SELECT pg_temp.fk('stock_quant', 'lot_id', 'stock_lot', 'RESTRICT');
SELECT pg_temp.fk('stock_quant', 'package_id', 'stock_quant_package', 'RESTRICT');
SELECT pg_temp.fk('stock_quant', 'owner_id', 'res_partner', 'SET NULL');
SELECT pg_temp.fk('stock_quant', 'user_id', 'res_users', 'SET NULL');

SELECT pg_temp.fk('sale_order', 'company_id', 'res_company', 'RESTRICT');
SELECT pg_temp.fk('sale_order', 'partner_id', 'res_partner', 'RESTRICT');
SELECT pg_temp.fk('sale_order', 'partner_invoice_id', 'res_partner', 'RESTRICT');
SELECT pg_temp.fk('sale_order', 'partner_shipping_id', 'res_partner', 'RESTRICT');
SELECT pg_temp.fk('sale_order', 'currency_id', 'res_currency', 'SET NULL');
SELECT pg_temp.fk('sale_order', 'user_id', 'res_users', 'SET NULL');
SELECT pg_temp.fk('sale_order', 'warehouse_id', 'stock_warehouse', 'RESTRICT');
SELECT pg_temp.fk('sale_order', 'procurement_group_id', 'procurement_group', 'SET NULL');

SELECT pg_temp.fk('sale_order_line', 'order_id', 'sale_order', 'CASCADE');
SELECT pg_temp.fk('sale_order_line', 'company_id', 'res_company', 'SET NULL');
SELECT pg_temp.fk('sale_order_line', 'currency_id', 'res_currency', 'SET NULL');
SELECT pg_temp.fk('sale_order_line', 'order_partner_id', 'res_partner', 'SET NULL');
SELECT pg_temp.fk('sale_order_line', 'salesman_id', 'res_users', 'SET NULL');
SELECT pg_temp.fk('sale_order_line', 'product_id', 'product_product', 'RESTRICT');
SELECT pg_temp.fk('sale_order_line', 'product_uom', 'uom_uom', 'RESTRICT');

SELECT pg_temp.fk('stock_picking', 'backorder_id', 'stock_picking', 'SET NULL');
SELECT pg_temp.fk('stock_picking', 'return_id', 'stock_picking', 'SET NULL');
SELECT pg_temp.fk('stock_picking', 'group_id', 'procurement_group', 'SET NULL');
SELECT pg_temp.fk('stock_picking', 'location_id', 'stock_location', 'RESTRICT');
SELECT pg_temp.fk('stock_picking', 'location_dest_id', 'stock_location', 'RESTRICT');
SELECT pg_temp.fk('stock_picking', 'picking_type_id', 'stock_picking_type', 'RESTRICT');
SELECT pg_temp.fk('stock_picking', 'partner_id', 'res_partner', 'SET NULL');
SELECT pg_temp.fk('stock_picking', 'company_id', 'res_company', 'SET NULL');
SELECT pg_temp.fk('stock_picking', 'user_id', 'res_users', 'SET NULL');
SELECT pg_temp.fk('stock_picking', 'owner_id', 'res_partner', 'SET NULL');
SELECT pg_temp.fk('stock_picking', 'sale_id', 'sale_order', 'SET NULL');

SELECT pg_temp.fk('stock_move', 'company_id', 'res_company', 'RESTRICT');
SELECT pg_temp.fk('stock_move', 'product_id', 'product_product', 'RESTRICT');
SELECT pg_temp.fk('stock_move', 'product_uom', 'uom_uom', 'RESTRICT');
SELECT pg_temp.fk('stock_move', 'location_id', 'stock_location', 'RESTRICT');
SELECT pg_temp.fk('stock_move', 'location_dest_id', 'stock_location', 'RESTRICT');
SELECT pg_temp.fk('stock_move', 'partner_id', 'res_partner', 'SET NULL');
SELECT pg_temp.fk('stock_move', 'picking_id', 'stock_picking', 'SET NULL');
SELECT pg_temp.fk('stock_move', 'group_id', 'procurement_group', 'SET NULL');
SELECT pg_temp.fk('stock_move', 'picking_type_id', 'stock_picking_type', 'SET NULL');
SELECT pg_temp.fk('stock_move', 'origin_returned_move_id', 'stock_move', 'SET NULL');
SELECT pg_temp.fk('stock_move', 'restrict_partner_id', 'res_partner', 'SET NULL');
SELECT pg_temp.fk('stock_move', 'warehouse_id', 'stock_warehouse', 'SET NULL');
SELECT pg_temp.fk('stock_move', 'sale_line_id', 'sale_order_line', 'SET NULL');

SELECT pg_temp.fk('stock_move_line', 'picking_id', 'stock_picking', 'SET NULL');
SELECT pg_temp.fk('stock_move_line', 'move_id', 'stock_move', 'SET NULL');
SELECT pg_temp.fk('stock_move_line', 'company_id', 'res_company', 'CASCADE');
SELECT pg_temp.fk('stock_move_line', 'product_id', 'product_product', 'CASCADE');
SELECT pg_temp.fk('stock_move_line', 'product_uom_id', 'uom_uom', 'RESTRICT');
SELECT pg_temp.fk('stock_move_line', 'package_id', 'stock_quant_package', 'RESTRICT');
SELECT pg_temp.fk('stock_move_line', 'lot_id', 'stock_lot', 'SET NULL');
SELECT pg_temp.fk('stock_move_line', 'result_package_id', 'stock_quant_package', 'RESTRICT');
SELECT pg_temp.fk('stock_move_line', 'owner_id', 'res_partner', 'SET NULL');
SELECT pg_temp.fk('stock_move_line', 'location_id', 'stock_location', 'RESTRICT');
SELECT pg_temp.fk('stock_move_line', 'location_dest_id', 'stock_location', 'RESTRICT');
