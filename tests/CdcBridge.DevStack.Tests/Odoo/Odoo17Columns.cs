namespace CdcBridge.DevStack.Tests.Odoo;

/// <summary>
/// The stored columns of Odoo 17.0's tables, as the project's research notes list them (odoo/odoo 17.0 field
/// definitions; modules base, product, uom, stock, sale, sale_stock, sale_management, stock_account, account, mail).
/// Codes: fk = int4 foreign key, num = numeric, f8 = float8, vc = varchar, ts = timestamp, ! = NOT NULL.
/// Every table also has id, create_uid, create_date, write_uid, write_date.
/// </summary>
internal static class Odoo17Columns
{
    public static readonly IReadOnlyDictionary<string, string> ByTable = new Dictionary<string, string>
    {
        ["stock_quant"] = "product_id:fk!, company_id:fk, location_id:fk!, storage_category_id:fk, lot_id:fk, package_id:fk, owner_id:fk, quantity:num, reserved_quantity:num!, in_date:ts!, inventory_quantity:num, inventory_diff_quantity:num, inventory_date:date, inventory_quantity_set:bool, user_id:fk, accounting_date:date",
        ["stock_move"] = "name:vc!, sequence:int4, priority:vc, date:ts!, date_deadline:ts, company_id:fk!, product_id:fk!, description_picking:text, product_qty:num, product_uom_qty:num!, product_uom:fk!, location_id:fk!, location_dest_id:fk!, partner_id:fk, picking_id:fk, state:vc, picked:bool, price_unit:f8, origin:vc, procure_method:vc!, scrapped:bool, scrap_id:fk, group_id:fk, rule_id:fk, propagate_cancel:bool, delay_alert_date:ts, picking_type_id:fk, is_inventory:bool, origin_returned_move_id:fk, restrict_partner_id:fk, warehouse_id:fk, quantity:num, additional:bool, reference:vc, package_level_id:fk, next_serial:vc, next_serial_count:int4, orderpoint_id:fk, reservation_date:date, product_packaging_id:fk, sale_line_id:fk, to_refund:bool",
        ["stock_move_line"] = "picking_id:fk, move_id:fk, company_id:fk!, product_id:fk, product_uom_id:fk!, product_category_name:vc, quantity:num, quantity_product_uom:num, picked:bool, package_id:fk, package_level_id:fk, lot_id:fk, lot_name:vc, result_package_id:fk, date:ts!, owner_id:fk, location_id:fk!, location_dest_id:fk!, state:vc, reference:vc, description_picking:text",
        ["stock_picking"] = "name:vc, origin:vc, note:text, backorder_id:fk, return_id:fk, move_type:vc!, state:vc, group_id:fk, priority:vc, scheduled_date:ts, date_deadline:ts, has_deadline_issue:bool, date:ts, date_done:ts, location_id:fk!, location_dest_id:fk!, picking_type_id:fk!, partner_id:fk, company_id:fk, user_id:fk, owner_id:fk, printed:bool, is_locked:bool, picking_properties:jsonb, sale_id:fk",
        ["stock_picking_type"] = "name:jsonb!, color:int4, sequence:int4, sequence_id:fk, sequence_code:vc!, default_location_src_id:fk, default_location_dest_id:fk, default_location_return_id:fk, code:vc!, return_picking_type_id:fk, show_entire_packs:bool, warehouse_id:fk, active:bool, use_create_lots:bool, use_existing_lots:bool, print_label:bool, show_operations:bool, show_reserved:bool, reservation_method:vc!, reservation_days_before:int4, reservation_days_before_priority:int4, auto_show_reception_report:bool, auto_print_delivery_slip:bool, auto_print_return_slip:bool, auto_print_product_labels:bool, auto_print_lot_labels:bool, auto_print_reception_report:bool, auto_print_reception_report_labels:bool, auto_print_packages:bool, auto_print_package_label:bool, product_label_format:vc, lot_label_format:vc, package_label_to_print:vc, barcode:vc, company_id:fk!, create_backorder:vc!, picking_properties_definition:jsonb",
        ["stock_location"] = "name:vc!, complete_name:vc, active:bool, usage:vc!, location_id:fk, comment:text, posx:int4, posy:int4, posz:int4, parent_path:vc, company_id:fk, scrap_location:bool, return_location:bool, replenish_location:bool, removal_strategy_id:fk, barcode:vc, cyclic_inventory_frequency:int4, last_inventory_date:date, next_inventory_date:date, warehouse_id:fk, storage_category_id:fk, valuation_in_account_id:fk, valuation_out_account_id:fk",
        ["stock_warehouse"] = "name:vc!, active:bool, company_id:fk!, partner_id:fk, view_location_id:fk!, lot_stock_id:fk!, code:vc!, reception_steps:vc!, delivery_steps:vc!, wh_input_stock_loc_id:fk, wh_qc_stock_loc_id:fk, wh_output_stock_loc_id:fk, wh_pack_stock_loc_id:fk, mto_pull_id:fk, pick_type_id:fk, pack_type_id:fk, out_type_id:fk, in_type_id:fk, int_type_id:fk, crossdock_route_id:fk, reception_route_id:fk, delivery_route_id:fk, sequence:int4",
        ["stock_lot"] = "name:vc!, ref:vc, product_id:fk!, product_uom_id:fk, note:text, company_id:fk!, lot_properties:jsonb, location_id:fk",
        ["uom_uom"] = "name:jsonb!, category_id:fk!, factor:num!, rounding:num!, active:bool, uom_type:vc!",
        ["product_template"] = "name:jsonb!, sequence:int4, description:jsonb, description_purchase:jsonb, description_sale:jsonb, detailed_type:vc!, type:vc, categ_id:fk!, list_price:num, volume:num, weight:num, sale_ok:bool, purchase_ok:bool, uom_id:fk!, uom_po_id:fk!, company_id:fk, active:bool, color:int4, default_code:vc, can_image_1024_be_zoomed:bool, has_configurable_attributes:bool, priority:vc, product_properties:jsonb, service_type:vc, sale_line_warn:vc!, sale_line_warn_msg:text, expense_policy:vc, invoice_policy:vc, sale_delay:int4, tracking:vc!, description_picking:jsonb, description_pickingout:jsonb, description_pickingin:jsonb",
        ["product_product"] = "default_code:vc, active:bool, product_tmpl_id:fk!, barcode:vc, combination_indices:vc, volume:num, weight:num, image_variant_1024:bytea, image_variant_512:bytea, image_variant_256:bytea, image_variant_128:bytea, can_image_variant_1024_be_zoomed:bool, write_date:ts, lot_properties_definition:jsonb",
        ["sale_order"] = "name:vc!, company_id:fk!, partner_id:fk!, state:vc, locked:bool, client_order_ref:vc, create_date:ts, commitment_date:ts, date_order:ts!, origin:vc, reference:vc, require_signature:bool, require_payment:bool, prepayment_percent:f8, signed_by:vc, signed_on:ts, validity_date:date, journal_id:fk, note:text, partner_invoice_id:fk!, partner_shipping_id:fk!, fiscal_position_id:fk, payment_term_id:fk, pricelist_id:fk, currency_id:fk, currency_rate:num, user_id:fk, team_id:fk, amount_untaxed:num, amount_tax:num, amount_total:num, amount_to_invoice:num, invoice_status:vc, campaign_id:fk, medium_id:fk, source_id:fk, analytic_account_id:fk, incoterm:fk, incoterm_location:vc, picking_policy:vc!, warehouse_id:fk!, delivery_status:vc, procurement_group_id:fk, effective_date:ts, expected_date:ts, sale_order_template_id:fk, access_token:vc",
        ["sale_order_line"] = "order_id:fk!, sequence:int4, company_id:fk, currency_id:fk, order_partner_id:fk, salesman_id:fk, state:vc, display_type:vc, is_downpayment:bool, is_expense:bool, product_id:fk, name:text!, product_uom_qty:num!, product_uom:fk, price_unit:num!, discount:num, price_subtotal:num, price_tax:f8, price_total:num, price_reduce_taxexcl:num, price_reduce_taxinc:num, product_packaging_id:fk, product_packaging_qty:f8, customer_lead:f8!, qty_delivered_method:vc, qty_delivered:num, qty_invoiced:num, qty_to_invoice:num, invoice_status:vc, untaxed_amount_invoiced:num, untaxed_amount_to_invoice:num, route_id:fk",
        ["res_partner"] = "name:vc, complete_name:vc, date:date, title:fk, parent_id:fk, ref:vc, lang:vc, tz:vc, user_id:fk, vat:vc, company_registry:vc, website:vc, comment:text, active:bool, employee:bool, function:vc, type:vc, street:vc, street2:vc, zip:vc, city:vc, state_id:fk, country_id:fk, partner_latitude:num, partner_longitude:num, email:vc, phone:vc, mobile:vc, is_company:bool, industry_id:fk, company_id:fk, color:int4, partner_share:bool, commercial_partner_id:fk, commercial_company_name:vc, company_name:vc, sale_warn:vc, sale_warn_msg:text, picking_warn:vc, picking_warn_msg:text, debit_limit:num, last_time_entries_checked:ts, invoice_warn:vc, invoice_warn_msg:text, supplier_rank:int4, customer_rank:int4, email_normalized:vc, message_bounce:int4",
        ["res_company"] = "name:vc!, active:bool, sequence:int4, parent_id:fk, parent_path:vc, partner_id:fk!, report_header:jsonb, report_footer:jsonb, company_details:jsonb, logo_web:bytea, uses_default_logo:bool, currency_id:fk!, email:vc, phone:vc, mobile:vc, paperformat_id:fk, external_report_layout_id:fk, font:vc, primary_color:vc, secondary_color:vc, layout_background:vc!, internal_transit_location_id:fk, stock_move_email_validation:bool, stock_mail_confirmation_template_id:fk, annual_inventory_month:vc, annual_inventory_day:int4, portal_confirmation_sign:bool, portal_confirmation_pay:bool, prepayment_percent:f8, quotation_validity_days:int4, sale_discount_product_id:fk, sale_down_payment_product_id:fk, sale_onboarding_payment_method:vc, security_lead:f8!",
    };

    /// <summary>(column, PostgreSQL udt name, NOT NULL) for a table, magic columns included.</summary>
    public static IReadOnlySet<(string Column, string Type, bool NotNull)> Expected(string table)
    {
        var columns = new HashSet<(string, string, bool)>
        {
            ("id", "int4", true), ("create_uid", "int4", false), ("create_date", "timestamp", false),
            ("write_uid", "int4", false), ("write_date", "timestamp", false),
        };
        foreach (var entry in ByTable[table].Split(", "))
        {
            var (name, code) = (entry[..entry.IndexOf(':', StringComparison.Ordinal)], entry[(entry.IndexOf(':', StringComparison.Ordinal) + 1)..]);
            var notNull = code.EndsWith('!');
            var type = code.TrimEnd('!') switch
            {
                "fk" or "int4" => "int4",
                "num" => "numeric",
                "f8" => "float8",
                "vc" => "varchar",
                "ts" => "timestamp",
                var other => other, // date, bool, text, jsonb, bytea
            };
            columns.Add((name, type, notNull));
        }

        return columns;
    }
}
