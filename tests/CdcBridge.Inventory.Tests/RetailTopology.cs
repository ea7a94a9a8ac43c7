using CdcBridge.Inventory;
using CdcBridge.Inventory.Odoo;

namespace CdcBridge.Inventory.Tests;

/// <summary>
/// A small Odoo topology shaped like Odoo 17 leaves it (RetailerSeed): two warehouses WH (multi-step, Stock with a
/// shelf, Output) and ATL, the partner locations, and one storable product with a SKU.
/// </summary>
internal static class RetailTopology
{
    public const int Customers = 5;
    public const int Vendors = 4;
    public const int WhStock = 11;
    public const int WhShelf = 12;
    public const int WhOutput = 13;
    public const int WhInput = 14;
    public const int AtlStock = 21;
    public const int Product = 100;
    public const string Sku = "TSHIRT-00001-RED-M";
    public const string Shop = "northwind.myshopify.com";
    public const string OtherShop = "northwind-eu.myshopify.com";
    public const long PortlandLocation = 106318430001;
    public const long AtlantaLocation = 106318430002;

    public static InventoryState State()
    {
        var state = new InventoryState();
        state.Put(new LocationRow(1, "Physical Locations", "view", "1/", null, true));
        state.Put(new LocationRow(Vendors, "Partners/Vendors", "supplier", "2/4/", null, true));
        state.Put(new LocationRow(Customers, "Partners/Customers", "customer", "2/5/", null, true));
        state.Put(new LocationRow(10, "WH", "view", "1/10/", 1, true));
        state.Put(new LocationRow(WhStock, "WH/Stock", "internal", "1/10/11/", 1, true));
        state.Put(new LocationRow(WhShelf, "WH/Stock/Shelf 1", "internal", "1/10/11/12/", 1, true));
        state.Put(new LocationRow(WhOutput, "WH/Output", "internal", "1/10/13/", 1, true));
        state.Put(new LocationRow(WhInput, "WH/Input", "internal", "1/10/14/", 1, true));
        state.Put(new LocationRow(20, "ATL", "view", "1/20/", 2, true));
        state.Put(new LocationRow(AtlStock, "ATL/Stock", "internal", "1/20/21/", 2, true));
        state.Put(new WarehouseRow(1, "WH", "Portland Warehouse", WhStock, 10, true));
        state.Put(new WarehouseRow(2, "ATL", "Atlanta Warehouse", AtlStock, 20, true));
        state.Put(new TemplateRow(1, "product", true));
        state.Put(new ProductRow(Product, Sku, 1, true));
        return state;
    }

    public static StoreTarget Store(string shop = Shop, decimal safety = 0m, SkuAssortment? assortment = null, string? orderWarehouse = null, params LocationTarget[] locations) =>
        new(shop, locations.Length > 0 ? locations : [Portland(safety)], assortment ?? SkuAssortment.All) { OrderWarehouse = orderWarehouse };

    public static LocationTarget Portland(decimal safety = 0m) => new(PortlandLocation, "Portland Warehouse", ["WH"], []) { SafetyStock = safety };

    public static LocationTarget Atlanta() => new(AtlantaLocation, "Atlanta Warehouse", ["ATL"], []);

    private static int NextId = 1_000;

    public static QuantRow Quant(int location, decimal quantity, decimal reserved = 0m, int? lot = null, int? package = null, int? owner = null, int product = Product) =>
        new(Interlocked.Increment(ref NextId), product, location, lot, package, owner, quantity, reserved);

    public static MoveRow Move(int from, int to, decimal demand, decimal reserved, string state, int? saleLine = null, int product = Product) =>
        new(Interlocked.Increment(ref NextId), product, from, to, demand, reserved, state, saleLine);

    /// <summary>A sale order (with one line for the product) taken by a channel store, as the Odoo writer leaves it.</summary>
    public static int ChannelSaleOrder(InventoryState state, string shop, long shopifyOrderId, decimal quantity, string orderState = "sale")
    {
        var orderId = Interlocked.Increment(ref NextId);
        state.Put(new SaleOrderRow(orderId, $"S{orderId}", ChannelOrder.OriginFor(shop, shopifyOrderId), $"#{shopifyOrderId}", orderState));
        var lineId = Interlocked.Increment(ref NextId);
        state.Put(new SaleLineRow(lineId, orderId, Product, quantity));
        return lineId;
    }

    public static int OnHand(InventoryState state, StoreTarget store, long location = PortlandLocation) =>
        new AvailabilityCalculator([store]).Compute(state, Product).Single(r => r.Key.ShopifyLocationId == location).OnHand;

    public static AvailabilityInputs Inputs(InventoryState state, StoreTarget[] stores, string shop = Shop, long location = PortlandLocation) =>
        new AvailabilityCalculator(stores).Compute(state, Product).Single(r => r.Key.ShopDomain == shop && r.Key.ShopifyLocationId == location).Inputs;
}
