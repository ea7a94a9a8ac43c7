using System.Text.RegularExpressions;
using Npgsql;

namespace CdcBridge.Inventory.Tests;

/// <summary>One Shopify location of a store as the oracle reads the configuration: Odoo warehouses by code and locations by complete name.</summary>
internal sealed record OracleLocation(long ShopifyLocationId, IReadOnlyList<string> Warehouses, IReadOnlyList<string> Locations)
{
    public decimal SafetyStock { get; init; }

    public IReadOnlyDictionary<string, decimal> SafetyStockBySku { get; init; } = new Dictionary<string, decimal>();
}

/// <summary>A store as the oracle reads the configuration. <c>OrderWarehouse</c> null: the first warehouse it maps.</summary>
internal sealed record OracleStore(string Shop, IReadOnlyList<OracleLocation> Locations, string? OrderWarehouse = null)
{
    /// <summary>The same configuration as the projector takes it.</summary>
    public StoreTarget ToTarget() => new(Shop,
        [.. Locations.Select(l => new LocationTarget(l.ShopifyLocationId, $"Location {l.ShopifyLocationId}", l.Warehouses, l.Locations)
        {
            SafetyStock = l.SafetyStock,
            SafetyStockBySku = l.SafetyStockBySku,
        })], SkuAssortment.All)
    { OrderWarehouse = OrderWarehouse };
}

/// <summary>The newest description of a channel order on the intake topic, as the test published it.</summary>
internal sealed record OracleChannelOrder(string Shop, long OrderId, DateTime UpdatedAt, bool Cancelled, IReadOnlyList<(string? Sku, int Quantity)> Lines);

/// <summary>The policy's inputs and value for one key, as the oracle computed them.</summary>
internal sealed record OracleValue(
    int OnHand,
    decimal OdooOnHand,
    decimal OdooReserved,
    decimal OwnStoreReserved,
    decimal UnreservedDemand,
    decimal PendingChannelOrders,
    decimal OwnStoreShippedUnfulfilled,
    decimal SafetyStock)
{
    public override string ToString() =>
        $"{OnHand} (on_hand {OdooOnHand}, reserved {OdooReserved}, own reserved {OwnStoreReserved}, unreserved demand {UnreservedDemand}, " +
        $"pending {PendingChannelOrders}, own shipped {OwnStoreShippedUnfulfilled}, safety {SafetyStock})";
}

/// <summary>
/// An independent implementation of docs/inventory-policy.md: reads Odoo's tables with SQL and computes, with LINQ, the
/// on_hand the policy pushes for every store, Shopify location and sellable SKU. It shares no code with the projector
/// (not the calculator, not the policy, not the row readers), so a disagreement is a finding.
/// </summary>
internal static partial class OracleAvailability
{
    private static readonly HashSet<string> OpenStates = ["waiting", "confirmed", "partially_available", "assigned"];

    public static async Task<OracleOdoo> LoadAsync(string odoo, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(odoo);
        await db.OpenAsync(ct);
        await using var tx = await db.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct); // one consistent view
        var locations = await RowsAsync(db, tx, "SELECT id, usage, parent_path, complete_name FROM stock_location", r =>
            new OracleOdoo.Location(r.GetInt32(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)), ct);
        var warehouses = await RowsAsync(db, tx, "SELECT code, lot_stock_id FROM stock_warehouse WHERE coalesce(active, true)", r =>
            (Code: r.GetString(0), Stock: r.GetInt32(1)), ct);
        var products = await RowsAsync(db, tx,
            """
            SELECT p.id, p.default_code FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id
            WHERE coalesce(p.active, true) AND coalesce(t.active, true) AND coalesce(t.detailed_type, t.type) = 'product'
              AND p.default_code IS NOT NULL AND p.default_code <> ''
            """, r => (Id: r.GetInt32(0), Sku: r.GetString(1)), ct);
        var productUoms = await RowsAsync(db, tx, "SELECT p.id, t.uom_id FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id", r =>
            (Id: r.GetInt32(0), Uom: r.GetInt32(1)), ct);
        var factors = await RowsAsync(db, tx, "SELECT id, factor FROM uom_uom", r => (Id: r.GetInt32(0), Factor: r.GetDecimal(1)), ct);
        var quants = await RowsAsync(db, tx, "SELECT product_id, location_id, coalesce(quantity, 0), reserved_quantity FROM stock_quant", r =>
            new OracleOdoo.Quant(r.GetInt32(0), r.GetInt32(1), r.GetDecimal(2), r.GetDecimal(3)), ct);
        var moves = await RowsAsync(db, tx,
            """
            SELECT id, product_id, location_id, location_dest_id, coalesce(product_qty, product_uom_qty), coalesce(quantity, 0),
                   coalesce(state, 'draft'), sale_line_id, product_uom
            FROM stock_move
            """, r => new OracleOdoo.Move(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetDecimal(4), r.GetDecimal(5),
                r.GetString(6), r.IsDBNull(7) ? null : r.GetInt32(7), r.GetInt32(8)), ct);
        var lines = await RowsAsync(db, tx, "SELECT id, order_id, product_id FROM sale_order_line", r =>
            new OracleOdoo.SaleLine(r.GetInt32(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2)), ct);
        var orders = await RowsAsync(db, tx, "SELECT id, origin, coalesce(state, 'draft') FROM sale_order", r =>
            new OracleOdoo.SaleOrder(r.GetInt32(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2)), ct);
        await tx.CommitAsync(ct);
        return new OracleOdoo(locations, warehouses.GroupBy(w => w.Code).ToDictionary(g => g.Key, g => g.First().Stock),
            products.ToDictionary(p => p.Id, p => p.Sku), quants, moves, lines, orders)
        {
            ProductUom = productUoms.ToDictionary(p => p.Id, p => p.Uom),
            UomFactor = factors.ToDictionary(f => f.Id, f => f.Factor),
        };
    }

    /// <summary>The value of every (store, SKU, Shopify location) for every sellable product.</summary>
    public static Dictionary<(string Shop, string Sku, long Location), OracleValue> Compute(
        OracleOdoo odoo, IReadOnlyList<OracleStore> stores, IReadOnlyCollection<OracleChannelOrder> intake)
    {
        var result = new Dictionary<(string, string, long), OracleValue>();
        var linesById = odoo.SaleLines.ToDictionary(l => l.Id);
        var ordersById = odoo.SaleOrders.ToDictionary(o => o.Id);
        string? ShopOfMove(OracleOdoo.Move move) =>
            move.SaleLineId is { } l && linesById.TryGetValue(l, out var line) && ordersById.TryGetValue(line.OrderId, out var order)
                && order.Origin is { } origin && ChannelOrigin().Match(origin) is { Success: true } m
                ? m.Groups["shop"].Value
                : null;

        var quantsByProduct = odoo.Quants.ToLookup(q => q.ProductId);
        var movesByProduct = odoo.Moves.ToLookup(m => m.ProductId);
        foreach (var store in stores)
        {
            foreach (var location in store.Locations)
            {
                var members = Members(odoo, location);
                // Other stores whose orders the Odoo writer puts in a warehouse whose stock this location sells.
                var pendingShops = stores.Where(s => s.Shop != store.Shop && OrderWarehouseOf(s) is { } code
                        && odoo.WarehouseStock.TryGetValue(code, out var stock) && members.Contains(stock))
                    .Select(s => s.Shop).ToHashSet(StringComparer.Ordinal);
                foreach (var (productId, sku) in odoo.Products)
                {
                    var inside = quantsByProduct[productId].Where(q => members.Contains(q.LocationId)).ToList();
                    var onHand = inside.Sum(q => q.Quantity);
                    var reserved = inside.Sum(q => q.Reserved);
                    decimal ownReserved = 0, unreserved = 0, ownShipped = 0;
                    foreach (var move in movesByProduct[productId].Where(m => members.Contains(m.LocationId) && !members.Contains(m.LocationDestId)))
                    {
                        // The policy's inputs are in the product's unit: product_qty is; stock_move.quantity is in the move's unit.
                        var moveReserved = odoo.InProductUnit(move);
                        var own = ShopOfMove(move) == store.Shop;
                        if (own && move.State is not ("done" or "cancel"))
                        {
                            ownReserved += moveReserved;
                        }
                        else if (own && move.State == "done")
                        {
                            ownShipped += move.Demand;
                        }
                        else if (!own && OpenStates.Contains(move.State))
                        {
                            unreserved += Math.Max(0, move.Demand - moveReserved);
                        }
                    }

                    var pending = intake
                        .Where(o => o.Shop != store.Shop && !o.Cancelled && pendingShops.Contains(o.Shop) && !OdooHolds(odoo, o, productId))
                        .Sum(o => o.Lines.Where(l => l.Sku == sku).Sum(l => (decimal)l.Quantity));
                    var safety = location.SafetyStockBySku.TryGetValue(sku, out var s) ? s : location.SafetyStock;
                    var value = onHand - Math.Max(0, reserved - ownReserved) - unreserved - pending + ownShipped - safety;
                    var floored = Math.Floor(value);
                    var pushed = floored < 0 ? 0 : floored > 1_000_000_000 ? 1_000_000_000 : (int)floored;
                    result[(store.Shop, sku, location.ShopifyLocationId)] =
                        new OracleValue(pushed, onHand, reserved, ownReserved, unreserved, pending, ownShipped, safety);
                }
            }
        }

        return result;
    }

    /// <summary>The mapped warehouses' stock locations and the named locations, with every internal location under them (child_of).</summary>
    public static HashSet<int> Members(OracleOdoo odoo, OracleLocation location)
    {
        var roots = location.Warehouses.Select(code => odoo.WarehouseStock.TryGetValue(code, out var stock) ? stock : (int?)null)
            .Concat(location.Locations.Select(name => odoo.Locations.Where(l => l.CompleteName == name).Select(l => (int?)l.Id).FirstOrDefault()))
            .OfType<int>().ToList();
        var members = new HashSet<int>();
        foreach (var root in roots)
        {
            var path = odoo.Locations.Single(l => l.Id == root).ParentPath;
            if (path is null)
            {
                members.Add(root);
                continue;
            }

            members.UnionWith(odoo.Locations.Where(l => l.Usage == "internal" && l.ParentPath is { } p && p.StartsWith(path, StringComparison.Ordinal)).Select(l => l.Id));
        }

        return members;
    }

    /// <summary>docs/inventory-policy.md, "When Odoo holds an order for a product".</summary>
    public static bool OdooHolds(OracleOdoo odoo, OracleChannelOrder order, int productId)
    {
        var origin = $"shopify:{order.Shop}:{order.OrderId}";
        foreach (var saleOrder in odoo.SaleOrders.Where(o => o.Origin == origin))
        {
            if (saleOrder.State is "cancel" or "done")
            {
                return true;
            }

            var lines = odoo.SaleLines.Where(l => l.OrderId == saleOrder.Id && l.ProductId == productId).Select(l => l.Id).ToHashSet();
            if (odoo.Moves.Any(m => m.SaleLineId is { } l && lines.Contains(l) && m.State != "cancel"))
            {
                return true;
            }
        }

        return false;
    }

    private static string? OrderWarehouseOf(OracleStore store) => store.OrderWarehouse ?? store.Locations.SelectMany(l => l.Warehouses).FirstOrDefault();

    private static async Task<List<T>> RowsAsync<T>(NpgsqlConnection db, NpgsqlTransaction tx, string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, db, tx);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    [GeneratedRegex("^shopify:(?<shop>.+):(?<id>[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ChannelOrigin();
}

/// <summary>The Odoo rows the oracle reads, as SQL returned them.</summary>
internal sealed record OracleOdoo(
    IReadOnlyList<OracleOdoo.Location> Locations,
    IReadOnlyDictionary<string, int> WarehouseStock,
    IReadOnlyDictionary<int, string> Products,
    IReadOnlyList<OracleOdoo.Quant> Quants,
    IReadOnlyList<OracleOdoo.Move> Moves,
    IReadOnlyList<OracleOdoo.SaleLine> SaleLines,
    IReadOnlyList<OracleOdoo.SaleOrder> SaleOrders)
{
    public sealed record Location(int Id, string Usage, string? ParentPath, string? CompleteName);

    public sealed record Quant(int ProductId, int LocationId, decimal Quantity, decimal Reserved);

    public sealed record Move(int Id, int ProductId, int LocationId, int LocationDestId, decimal Demand, decimal Quantity, string State, int? SaleLineId, int Uom);

    public IReadOnlyDictionary<int, int> ProductUom { get; init; } = new Dictionary<int, int>();

    public IReadOnlyDictionary<int, decimal> UomFactor { get; init; } = new Dictionary<int, decimal>();

    /// <summary>A move's quantity (in the move's unit) in the product's unit, as Odoo converts it (factor ratio, rounded to 0.01).</summary>
    public decimal InProductUnit(Move move) =>
        !ProductUom.TryGetValue(move.ProductId, out var unit) || unit == move.Uom
            ? move.Quantity
            : Math.Round(move.Quantity / UomFactor[move.Uom] * UomFactor[unit], 2, MidpointRounding.AwayFromZero);

    public sealed record SaleLine(int Id, int OrderId, int? ProductId);

    public sealed record SaleOrder(int Id, string? Origin, string State);
}
