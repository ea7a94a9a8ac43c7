using System.Text.Json;
using Npgsql;

namespace CdcBridge.DevStack.Odoo;

/// <summary>What a seed run wrote.</summary>
public sealed record SeedSummary(int Warehouses, int Products, int Quants, int Customers, int SaleOrders, int ReservedMoveLines);

/// <summary>
/// Fills an empty Odoo database with a realistic retailer, the way Odoo itself would have left the tables: one
/// company with its taxes (<see cref="SaleTaxes"/>), warehouses with Odoo's location tree, products with SKUs and
/// variants, quants spread over locations (some with lots, some in packages, some duplicated as Odoo's concurrent
/// reservation leaves them), and sale
/// orders in every state, the confirmed ones with pickings, moves and move lines that reserve stock exactly as
/// <c>stock_quant.reserved_quantity</c> says. Deterministic: the same <see cref="SeedOptions"/> give the same rows.
/// </summary>
public static class RetailerSeed
{
    public const int CompanyId = 1;
    public const int SystemUserId = 1;
    public const int AdminUserId = 2;
    public const int UnitsUomId = 1;
    public const int CustomersLocationId = 5;
    public const int VendorsLocationId = 4;

    /// <summary>Writes the retailer into the schema; runs inside the caller's transaction (see <see cref="OdooDatabase"/>).</summary>
    internal static async Task<SeedSummary> WriteAsync(NpgsqlConnection connection, SeedOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = new Builder(options);
        builder.Build();

        // Foreign keys are checked by triggers, which replica mode skips: the company, its partner and its users
        // point at each other. The rows are consistent by construction, and the tests check every foreign key.
        await using (var role = new NpgsqlCommand("SET LOCAL session_replication_role = replica", connection))
        {
            await role.ExecuteNonQueryAsync(ct);
        }

        foreach (var table in builder.Tables)
        {
            await CopyWriter.WriteAsync(connection, table.Name, table.Columns, table.Rows, ct);
        }

        await using (var role = new NpgsqlCommand("SET LOCAL session_replication_role = origin", connection))
        {
            await role.ExecuteNonQueryAsync(ct);
        }

        return builder.Summary();
    }

    private sealed class Quant
    {
        public int Id;
        public int ProductId;
        public int LocationId;
        public int? LotId;
        public int? PackageId;
        public decimal Quantity;
        public decimal Reserved;
        public DateTime InDate;
    }

    private sealed record Product(int Id, string Sku, string Name, decimal Price, bool Storable, int[] LotIds);

    private sealed record Warehouse(int Id, string Code, int ViewId, int StockId, int[] StorageIds, int OutputId,
        int InTypeId, int OutTypeId, int PickTypeId, bool PickShip);

    private sealed class Builder(SeedOptions options)
    {
        private static readonly DateTime Epoch = new(2026, 1, 5, 8, 0, 0, DateTimeKind.Unspecified);
        private readonly Random _rng = new(options.Seed);
        private readonly List<Warehouse> _warehouses = [];
        private readonly List<Product> _products = [];
        private readonly List<Quant> _quants = [];
        private readonly List<int> _customers = [];
        private readonly Dictionary<int, int> _deliveryAddress = [];
        private int _reservedLines;
        private int _nextLocation = 10;
        private int _nextPickingType = 1;
        private int _nextPicking = 1;
        private int _nextMove = 1;
        private int _nextMoveLine = 1;
        private int _nextPackage = 1;

        private readonly SeedTable _currency = new("res_currency", "name", "symbol", "rounding", "decimal_places", "active", "position");
        private readonly SeedTable _partner = new("res_partner", "name", "complete_name", "type", "parent_id", "commercial_partner_id",
            "is_company", "company_id", "email", "email_normalized", "phone", "street", "zip", "city", "active", "lang", "tz",
            "customer_rank", "supplier_rank", "partner_share", "employee");
        private readonly SeedTable _company = new("res_company", "name", "active", "sequence", "parent_path", "partner_id",
            "currency_id", "email", "layout_background", "security_lead", "internal_transit_location_id", "annual_inventory_month",
            "annual_inventory_day", "quotation_validity_days", "prepayment_percent");
        private readonly SeedTable _users = new("res_users", "login", "partner_id", "company_id", "active", "share");
        private readonly SeedTable _taxes = SaleTaxes.Table(Epoch);
        private readonly SeedTable _uomCategory = new("uom_category", "name");
        private readonly SeedTable _uom = new("uom_uom", "name", "category_id", "factor", "rounding", "active", "uom_type");
        private readonly SeedTable _category = new("product_category", "name", "complete_name", "parent_id", "parent_path");
        private readonly SeedTable _location = new("stock_location", "name", "complete_name", "active", "usage", "location_id",
            "parent_path", "company_id", "scrap_location", "return_location", "replenish_location", "warehouse_id");
        private readonly SeedTable _warehouse = new("stock_warehouse", "name", "active", "company_id", "partner_id", "view_location_id",
            "lot_stock_id", "code", "reception_steps", "delivery_steps", "wh_input_stock_loc_id", "wh_qc_stock_loc_id",
            "wh_output_stock_loc_id", "wh_pack_stock_loc_id", "pick_type_id", "pack_type_id", "out_type_id", "in_type_id",
            "int_type_id", "sequence");
        private readonly SeedTable _pickingType = new("stock_picking_type", "name", "sequence", "sequence_code",
            "default_location_src_id", "default_location_dest_id", "code", "warehouse_id", "active", "use_create_lots",
            "use_existing_lots", "reservation_method", "company_id", "create_backorder", "show_operations", "show_reserved");
        private readonly SeedTable _template = new("product_template", "name", "sequence", "detailed_type", "type", "categ_id",
            "list_price", "sale_ok", "purchase_ok", "uom_id", "uom_po_id", "company_id", "active", "default_code",
            "has_configurable_attributes", "priority", "sale_line_warn", "invoice_policy", "sale_delay", "tracking", "weight");
        private readonly SeedTable _product = new("product_product", "default_code", "active", "product_tmpl_id", "barcode",
            "combination_indices", "weight");
        private readonly SeedTable _lot = new("stock_lot", "name", "product_id", "product_uom_id", "company_id", "location_id");
        private readonly SeedTable _package = new("stock_quant_package", "name", "location_id", "company_id", "package_use");
        private readonly SeedTable _quant = new("stock_quant", "product_id", "company_id", "location_id", "lot_id", "package_id",
            "owner_id", "quantity", "reserved_quantity", "in_date", "inventory_quantity_set", "inventory_diff_quantity");
        private readonly SeedTable _group = new("procurement_group", "name", "move_type", "partner_id", "sale_id");
        private readonly SeedTable _order = new("sale_order", "name", "company_id", "partner_id", "state", "locked", "client_order_ref",
            "date_order", "origin", "partner_invoice_id", "partner_shipping_id", "currency_id", "currency_rate", "user_id",
            "amount_untaxed", "amount_tax", "amount_total", "invoice_status", "picking_policy", "warehouse_id", "delivery_status",
            "procurement_group_id", "require_signature", "require_payment", "validity_date");
        private readonly SeedTable _orderLine = new("sale_order_line", "order_id", "sequence", "company_id", "currency_id",
            "order_partner_id", "salesman_id", "state", "product_id", "name", "product_uom_qty", "product_uom", "price_unit",
            "discount", "price_subtotal", "price_tax", "price_total", "price_reduce_taxexcl", "price_reduce_taxinc",
            "customer_lead", "qty_delivered_method", "qty_delivered", "qty_invoiced", "qty_to_invoice", "invoice_status");
        private readonly SeedTable _picking = new("stock_picking", "name", "origin", "move_type", "state", "group_id", "priority",
            "scheduled_date", "date", "date_done", "location_id", "location_dest_id", "picking_type_id", "partner_id",
            "company_id", "user_id", "printed", "is_locked", "sale_id");
        private readonly SeedTable _move = new("stock_move", "name", "sequence", "priority", "date", "company_id", "product_id",
            "product_qty", "product_uom_qty", "product_uom", "location_id", "location_dest_id", "partner_id", "picking_id",
            "state", "picked", "origin", "procure_method", "scrapped", "group_id", "propagate_cancel", "picking_type_id",
            "is_inventory", "warehouse_id", "quantity", "additional", "reference", "reservation_date", "sale_line_id");
        private readonly SeedTable _moveLine = new("stock_move_line", "picking_id", "move_id", "company_id", "product_id",
            "product_uom_id", "product_category_name", "quantity", "quantity_product_uom", "picked", "package_id", "lot_id",
            "date", "location_id", "location_dest_id", "state", "reference");

        // Insertion order; foreign keys are not checked during the load, so it only has to be readable.
        public IEnumerable<SeedTable> Tables =>
        [
            _currency, _partner, _company, _users, _taxes, _uomCategory, _uom, _category, _location, _warehouse, _pickingType,
            _template, _product, _lot, _package, _quant, _group, _order, _orderLine, _picking, _move, _moveLine,
        ];

        public SeedSummary Summary() => new(_warehouses.Count, _products.Count, _quants.Count, _customers.Count,
            _order.Rows.Count, _reservedLines);

        public void Build()
        {
            BuildCompany();
            BuildLocationsAndWarehouses();
            BuildProducts();
            BuildQuants();
            BuildCustomers();
            BuildOrders();
            foreach (var q in _quants)
            {
                _quant.Add(q.Id, q.InDate, q.ProductId, CompanyId, q.LocationId, q.LotId, q.PackageId, null, q.Quantity,
                    q.Reserved, q.InDate, false, 0m);
            }
        }

        private static string Json(string english) => JsonSerializer.Serialize(new Dictionary<string, string> { ["en_US"] = english });

        private static DateTime At(int minutes) => Epoch.AddMinutes(minutes);

        private void BuildCompany()
        {
            _currency.Add(1, Epoch, "USD", "$", 0.01m, 2, true, "before");
            _currency.Add(2, Epoch, "EUR", "€", 0.01m, 2, true, "after");
            _partner.Add(1, Epoch, "Northwind Outfitters", "Northwind Outfitters", "contact", null, 1, true, CompanyId,
                "info@northwind.example.com", "info@northwind.example.com", "+1 555 0100", "1 Harbor Way", "97201", "Portland",
                true, "en_US", "America/Los_Angeles", 0, 0, false, false);
            _partner.Add(2, Epoch, "Administrator", "Northwind Outfitters, Administrator", "contact", 1, 1, false, CompanyId,
                "admin@northwind.example.com", "admin@northwind.example.com", null, null, null, null, true, "en_US", "UTC", 0, 0, false, true);
            _partner.Add(3, Epoch, "OdooBot", "OdooBot", "contact", null, 3, false, CompanyId, "odoobot@example.com",
                "odoobot@example.com", null, null, null, null, false, "en_US", "UTC", 0, 0, false, false);
            _company.Add(CompanyId, Epoch, "Northwind Outfitters", true, 10, "1/", 1, 1, "info@northwind.example.com",
                "blank", 0.0, 8, "12", 31, 30, 1.0);
            _users.Add(SystemUserId, Epoch, "__system__", 3, CompanyId, false, false);
            _users.Add(AdminUserId, Epoch, "admin", 2, CompanyId, true, false);
            _uomCategory.Add(1, Epoch, Json("Unit"));
            _uom.Add(UnitsUomId, Epoch, Json("Units"), 1, 1m, 0.01m, true, "reference");
            _uom.Add(2, Epoch, Json("Dozens"), 1, 0.08333333333333333m, 0.01m, true, "bigger");
            _category.Add(1, Epoch, "All", "All", null, "1/");
            _category.Add(2, Epoch, "Saleable", "All / Saleable", 1, "1/2/");
        }

        private int AddLocation(string name, string completeName, string usage, int? parentId, string parentPath,
            bool active = true, int? warehouseId = null, bool scrap = false, int? companyId = CompanyId, int? id = null)
        {
            var locationId = id ?? _nextLocation++;
            _location.Add(locationId, Epoch, name, completeName, active, usage, parentId, $"{parentPath}{locationId}/", companyId,
                scrap, false, usage == "internal" && name == "Stock", warehouseId);
            return locationId;
        }

        private void BuildLocationsAndWarehouses()
        {
            // Odoo's fixed tree (stock module data): ids 1-9, shared by all companies.
            AddLocation("Physical Locations", "Physical Locations", "view", null, "", companyId: null, id: 1);
            AddLocation("Partners", "Partners", "view", null, "", companyId: null, id: 2);
            AddLocation("Virtual Locations", "Virtual Locations", "view", null, "", companyId: null, id: 3);
            AddLocation("Vendors", "Partners/Vendors", "supplier", 2, "2/", companyId: null, id: VendorsLocationId);
            AddLocation("Customers", "Partners/Customers", "customer", 2, "2/", companyId: null, id: CustomersLocationId);
            AddLocation("Inventory adjustment", "Virtual Locations/Inventory adjustment", "inventory", 3, "3/", id: 6);
            AddLocation("Production", "Virtual Locations/Production", "production", 3, "3/", id: 7);
            AddLocation("Inter-warehouse transit", "Physical Locations/Inter-warehouse transit", "transit", 1, "1/", id: 8);
            AddLocation("Scrap", "Virtual Locations/Scrap", "inventory", 3, "3/", scrap: true, id: 9);

            (string Name, string Code)[] sites = [("Portland Warehouse", "WH"), ("Atlanta Warehouse", "ATL"), ("Rotterdam Warehouse", "EU")];
            for (var w = 0; w < options.Warehouses; w++)
            {
                var warehouseId = w + 1;
                var (name, code) = sites[w];
                var multiStep = w == 0; // the flagship runs three-step reception and pick + ship delivery
                var view = AddLocation(code, code, "view", 1, "1/", warehouseId: warehouseId);
                var path = $"1/{view}/";
                var stock = AddLocation("Stock", $"{code}/Stock", "internal", view, path, warehouseId: warehouseId);
                var input = AddLocation("Input", $"{code}/Input", "internal", view, path, multiStep, warehouseId);
                var qc = AddLocation("Quality Control", $"{code}/Quality Control", "internal", view, path, multiStep, warehouseId);
                var output = AddLocation("Output", $"{code}/Output", "internal", view, path, multiStep, warehouseId);
                var pack = AddLocation("Packing Zone", $"{code}/Packing Zone", "internal", view, path, multiStep, warehouseId);
                var shelves = Enumerable.Range(1, 2)
                    .Select(s => AddLocation($"Shelf {s}", $"{code}/Stock/Shelf {s}", "internal", stock, $"{path}{stock}/", warehouseId: warehouseId))
                    .ToArray();

                var inType = AddPickingType("Receipts", "IN", "incoming", VendorsLocationId, multiStep ? input : stock, warehouseId);
                var outType = AddPickingType("Delivery Orders", "OUT", "outgoing", multiStep ? output : stock, CustomersLocationId, warehouseId);
                var pickType = AddPickingType("Pick", "PICK", "internal", stock, multiStep ? output : stock, warehouseId, multiStep);
                var packType = AddPickingType("Pack", "PACK", "internal", pack, output, warehouseId, false);
                var intType = AddPickingType("Internal Transfers", "INT", "internal", stock, stock, warehouseId);
                _warehouse.Add(warehouseId, Epoch, name, true, CompanyId, 1, view, stock, code,
                    multiStep ? "three_steps" : "one_step", multiStep ? "pick_ship" : "ship_only", input, qc, output, pack,
                    pickType, packType, outType, inType, intType, 10 + w);
                _warehouses.Add(new Warehouse(warehouseId, code, view, stock, [stock, .. shelves], output, inType, outType, pickType, multiStep));
            }
        }

        private int AddPickingType(string name, string sequenceCode, string code, int source, int destination, int warehouseId, bool active = true)
        {
            var id = _nextPickingType++;
            _pickingType.Add(id, Epoch, Json(name), id, sequenceCode, source, destination, code, warehouseId, active,
                code == "incoming", code != "incoming", "at_confirm", CompanyId, "ask", code != "outgoing", true);
            return id;
        }

        private void BuildProducts()
        {
            var templateId = 0;
            var lotId = 0;
            while (_products.Count < options.Products)
            {
                templateId++;
                var kind = SeedVocabulary.Kinds[_rng.Next(SeedVocabulary.Kinds.Length)];
                var name = $"{SeedVocabulary.Adjectives[_rng.Next(SeedVocabulary.Adjectives.Length)]} {kind.Name}";
                var price = Math.Round((decimal)(5 + (_rng.NextDouble() * 195)), 2);
                var storable = _rng.NextDouble() >= 0.03; // a few consumables, which Odoo does not count in quants
                var remaining = options.Products - _products.Count;
                var variants = kind.Sized ? Math.Min(remaining, _rng.Next(1, 7)) : 1;
                var baseSku = $"{kind.Code}-{templateId:D5}";
                var weight = Math.Round((decimal)(0.1 + _rng.NextDouble() * 3), 2);
                _template.Add(templateId, Epoch, Json(name), 1, storable ? "product" : "consu", storable ? "product" : "consu", 2,
                    price, true, true, UnitsUomId, UnitsUomId, null, true, variants == 1 ? baseSku : null, variants > 1, "0",
                    "no-message", "order", 0, kind.Lots && storable ? "lot" : "none", weight);

                for (var v = 0; v < variants; v++)
                {
                    var productId = _products.Count + 1;
                    string sku, display, combination;
                    if (variants == 1)
                    {
                        (sku, display, combination) = (baseSku, name, "");
                    }
                    else
                    {
                        var color = SeedVocabulary.Colors[v / SeedVocabulary.Sizes.Length % SeedVocabulary.Colors.Length];
                        var size = SeedVocabulary.Sizes[v % SeedVocabulary.Sizes.Length];
                        (sku, display, combination) = ($"{baseSku}-{color.Code}-{size}", $"{name} ({color.Name}, {size})", $"{v / 4 + 1},{v % 4 + 10}");
                    }

                    _product.Add(productId, Epoch, sku, true, templateId, Ean13(productId), combination, weight);
                    var lots = Array.Empty<int>();
                    if (kind.Lots && storable)
                    {
                        lots = Enumerable.Range(0, _rng.Next(1, 4)).Select(l =>
                        {
                            var id = ++lotId;
                            _lot.Add(id, Epoch, $"{sku}-L{l + 1:D2}", productId, UnitsUomId, CompanyId, null);
                            return id;
                        }).ToArray();
                    }

                    _products.Add(new Product(productId, sku, display, price, storable, lots));
                }
            }
        }

        private static string Ean13(int n)
        {
            var digits = $"200{n:D9}";
            var sum = digits.Select((c, i) => (c - '0') * (i % 2 == 0 ? 1 : 3)).Sum();
            return digits + ((10 - (sum % 10)) % 10);
        }

        private void BuildQuants()
        {
            foreach (var product in _products.Where(p => p.Storable))
            {
                foreach (var warehouse in _warehouses)
                {
                    if (_rng.NextDouble() > (warehouse.Id == 1 ? 0.9 : 0.6))
                    {
                        continue;
                    }

                    var places = _rng.Next(1, 3);
                    for (var p = 0; p < places; p++)
                    {
                        var location = warehouse.StorageIds[_rng.Next(warehouse.StorageIds.Length)];
                        var lots = product.LotIds.Length > 0 ? product.LotIds : [0];
                        foreach (var lot in lots)
                        {
                            var quantity = (decimal)_rng.Next(0, 121);
                            var inDate = At(-_rng.Next(60, 60 * 24 * 90));
                            int? package = null;
                            if (_rng.NextDouble() < 0.02)
                            {
                                package = _nextPackage++;
                                _package.Add(package.Value, Epoch, $"PACK{package:D7}", location, CompanyId, "disposable");
                            }

                            // Odoo inserts a second row for the same key when every candidate quant is locked.
                            var split = _rng.NextDouble() < 0.03 && quantity > 1 ? Math.Floor(quantity / 3) : 0m;
                            AddQuant(product.Id, location, lot == 0 ? null : lot, package, quantity - split, inDate);
                            if (split > 0)
                            {
                                AddQuant(product.Id, location, lot == 0 ? null : lot, package, split, inDate.AddMinutes(7));
                            }
                        }
                    }
                }
            }
        }

        private void AddQuant(int productId, int locationId, int? lotId, int? packageId, decimal quantity, DateTime inDate) =>
            _quants.Add(new Quant
            {
                Id = _quants.Count + 1,
                ProductId = productId,
                LocationId = locationId,
                LotId = lotId,
                PackageId = packageId,
                Quantity = quantity,
                InDate = inDate,
            });

        private void BuildCustomers()
        {
            var nextPartner = 10;
            for (var c = 0; c < options.Customers; c++)
            {
                var first = SeedVocabulary.FirstNames[_rng.Next(SeedVocabulary.FirstNames.Length)];
                var last = SeedVocabulary.LastNames[_rng.Next(SeedVocabulary.LastNames.Length)];
                var city = SeedVocabulary.Cities[_rng.Next(SeedVocabulary.Cities.Length)];
                var email = $"{first}.{last}.{c + 1}@example.com".ToLowerInvariant();
                var id = nextPartner++;
                var phone = $"+1 555 {_rng.Next(1000, 10000)}";
                var street = $"{_rng.Next(1, 999)} {SeedVocabulary.Adjectives[_rng.Next(SeedVocabulary.Adjectives.Length)]} Street";
                var zip = $"{_rng.Next(10000, 99999)}";
                _partner.Add(id, Epoch, $"{first} {last}", $"{first} {last}", "contact", null, id, false, null, email, email,
                    phone, street, zip, city, true, "en_US", null, 1, 0, true, false);
                _customers.Add(id);
                if (_rng.NextDouble() < 0.2)
                {
                    var delivery = nextPartner++;
                    _partner.Add(delivery, Epoch, null, $"{first} {last}, Delivery", "delivery", id, id, false, null, null, null,
                        null, $"{_rng.Next(1, 999)} Dock Road", zip, city, true, "en_US", null, 0, 0, true, false);
                    _deliveryAddress[id] = delivery;
                }
            }
        }

        private void BuildOrders()
        {
            var storable = _products.Where(p => p.Storable).ToArray();
            var byKey = _quants.GroupBy(q => q.ProductId).ToDictionary(g => g.Key, g => g.ToList());
            var sequenceByType = new Dictionary<int, int>();
            var lineId = 0;
            for (var o = 0; o < options.OpenOrders; o++)
            {
                var orderId = o + 1;
                var orderName = $"S{orderId:D5}";
                var customer = _customers[_rng.Next(_customers.Count)];
                var shipping = _deliveryAddress.GetValueOrDefault(customer, customer);
                var warehouse = _rng.NextDouble() < 0.6 ? _warehouses[0] : _warehouses[_rng.Next(_warehouses.Count)];
                var roll = _rng.NextDouble();
                var state = roll < 0.70 ? "sale" : roll < 0.80 ? "draft" : roll < 0.85 ? "sent" : roll < 0.95 ? "done" : "cancel";
                var date = At(o * 3);
                var lines = Enumerable.Range(0, _rng.Next(1, 4))
                    .Select(_ => (Product: storable[_rng.Next(storable.Length)], Qty: (decimal)_rng.Next(1, 6)))
                    .GroupBy(l => l.Product.Id).Select(g => (g.First().Product, Qty: g.Sum(l => l.Qty)))
                    .ToArray();
                var untaxed = lines.Sum(l => l.Product.Price * l.Qty);
                var confirmed = state is "sale" or "done";
                int? groupId = state is "draft" or "sent" ? null : orderId;
                var orderState = state == "done" ? "sale" : state; // 17.0: no 'done' state; a delivered order is 'sale'
                if (groupId is not null)
                {
                    _group.Add(orderId, date, orderName, "direct", shipping, orderId);
                }

                _order.Add(orderId, date, orderName, CompanyId, customer, orderState, state == "done", null, date, null, customer,
                    shipping, 1, 1m, AdminUserId, untaxed, 0m, untaxed, confirmed ? "to invoice" : "no", "direct", warehouse.Id,
                    state == "done" ? "full" : confirmed ? "pending" : null, groupId, false, false, DateOnly.FromDateTime(date.AddDays(30)));

                var orderLines = new List<(int LineId, Product Product, decimal Qty)>();
                foreach (var (product, qty) in lines)
                {
                    lineId++;
                    orderLines.Add((lineId, product, qty));
                    var subtotal = product.Price * qty;
                    _orderLine.Add(lineId, date, orderId, orderLines.Count * 10, CompanyId, 1, customer, AdminUserId, orderState,
                        product.Id, $"[{product.Sku}] {product.Name}", qty, UnitsUomId, product.Price, 0m, subtotal, 0.0,
                        subtotal, product.Price, product.Price, 0.0, "stock_move", state == "done" ? qty : 0m, 0m,
                        confirmed ? qty : 0m, confirmed ? "to invoice" : "no");
                }

                if (groupId is null)
                {
                    continue;
                }

                var moveState = state switch { "done" => "done", "cancel" => "cancel", _ => "confirmed" };
                // Chained delivery (pick + ship) in the flagship; one step elsewhere.
                var first = warehouse.PickShip ? warehouse.PickTypeId : warehouse.OutTypeId;
                var firstDestination = warehouse.PickShip ? warehouse.OutputId : CustomersLocationId;
                var firstPicking = NewPicking(warehouse, first, sequenceByType, warehouse.PickShip ? "PICK" : "OUT");
                var firstMoves = orderLines.Select(l => AddMove(l.Product, l.Qty, warehouse.StockId, firstDestination,
                    firstPicking.Id, firstPicking.Name, first, orderName, groupId.Value, warehouse.Id, shipping, date, moveState,
                    "make_to_stock", l.LineId, byKey)).ToList();
                AddPicking(firstPicking, orderName, groupId.Value, warehouse.StockId, firstDestination, first, shipping, date,
                    PickingState(firstMoves), orderId);

                if (warehouse.PickShip)
                {
                    var shipPicking = NewPicking(warehouse, warehouse.OutTypeId, sequenceByType, "OUT");
                    var shipState = state switch { "done" => "done", "cancel" => "cancel", _ => "waiting" };
                    var shipMoves = orderLines.Select(l => AddMove(l.Product, l.Qty, warehouse.OutputId, CustomersLocationId,
                        shipPicking.Id, shipPicking.Name, warehouse.OutTypeId, orderName, groupId.Value, warehouse.Id, shipping,
                        date, shipState, "make_to_order", l.LineId, byKey)).ToList();
                    AddPicking(shipPicking, orderName, groupId.Value, warehouse.OutputId, CustomersLocationId, warehouse.OutTypeId,
                        shipping, date, PickingState(shipMoves), orderId);
                }
            }
        }

        private (int Id, string Name) NewPicking(Warehouse warehouse, int typeId, Dictionary<int, int> sequences, string code)
        {
            sequences[typeId] = sequences.GetValueOrDefault(typeId) + 1;
            return (_nextPicking++, $"{warehouse.Code}/{code}/{sequences[typeId]:D5}");
        }

        private void AddPicking((int Id, string Name) picking, string origin, int groupId, int source, int destination,
            int typeId, int partnerId, DateTime date, string state, int orderId) =>
            _picking.Add(picking.Id, date, picking.Name, origin, "direct", state, groupId, "0", date.AddDays(1), date,
                state == "done" ? date.AddHours(6) : null, source, destination, typeId, partnerId, CompanyId, AdminUserId,
                false, true, orderId);

        private static string PickingState(List<string> moveStates) =>
            moveStates.All(s => s == "cancel") ? "cancel"
            : moveStates.All(s => s is "done" or "cancel") ? "done"
            : moveStates.Any(s => s is "assigned" or "partially_available") ? "assigned" // move_type 'direct'
            : moveStates.Any(s => s == "waiting") ? "waiting"
            : "confirmed";

        /// <summary>Adds a move and, for a confirmed make-to-stock move, reserves what the source's quants hold.</summary>
        private string AddMove(Product product, decimal demand, int source, int destination, int pickingId, string reference,
            int typeId, string origin, int groupId, int warehouseId, int partnerId, DateTime date, string state,
            string procureMethod, int saleLineId, Dictionary<int, List<Quant>> quantsByProduct)
        {
            var moveId = _nextMove++;
            var reservedTotal = 0m;
            var lines = new List<(Quant Quant, decimal Qty)>();
            var warehouse = _warehouses[warehouseId - 1];
            if (state == "confirmed" && procureMethod == "make_to_stock")
            {
                foreach (var quant in quantsByProduct.GetValueOrDefault(product.Id, []).Where(q => warehouse.StorageIds.Contains(q.LocationId)))
                {
                    var free = quant.Quantity - quant.Reserved;
                    if (free <= 0 || reservedTotal >= demand)
                    {
                        continue;
                    }

                    var take = Math.Min(free, demand - reservedTotal);
                    quant.Reserved += take;
                    reservedTotal += take;
                    lines.Add((quant, take));
                }

                state = reservedTotal >= demand ? "assigned" : reservedTotal > 0 ? "partially_available" : "confirmed";
            }

            var done = state == "done";
            var quantity = done ? demand : reservedTotal;
            _move.Add(moveId, date, product.Name, 10, "0", date, CompanyId, product.Id, demand, demand, UnitsUomId, source,
                destination, partnerId, pickingId, state, done, origin, procureMethod, false, groupId, true, typeId, false,
                warehouseId, quantity, false, reference, DateOnly.FromDateTime(date), saleLineId);

            foreach (var (quant, qty) in lines)
            {
                _reservedLines++;
                _moveLine.Add(_nextMoveLine++, date, pickingId, moveId, CompanyId, product.Id, UnitsUomId, "All / Saleable", qty,
                    qty, false, quant.PackageId, quant.LotId, date, quant.LocationId, destination, state, reference);
            }

            if (done)
            {
                _moveLine.Add(_nextMoveLine++, date, pickingId, moveId, CompanyId, product.Id, UnitsUomId, "All / Saleable",
                    demand, demand, true, null, product.LotIds.Length > 0 ? product.LotIds[0] : null, date, source, destination,
                    "done", reference);
            }

            return state;
        }
    }
}
