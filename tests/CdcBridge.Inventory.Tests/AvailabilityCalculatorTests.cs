using CdcBridge.Inventory;
using CdcBridge.Inventory.Odoo;
using static CdcBridge.Inventory.Tests.RetailTopology;

namespace CdcBridge.Inventory.Tests;

/// <summary>The policy's inputs as the calculator gathers them from Odoo's rows.</summary>
public class AvailabilityCalculatorTests
{
    [Fact]
    public void A_warehouse_sells_its_stock_location_and_children_but_not_input_or_output()
    {
        var state = State();
        state.Put(Quant(WhStock, 5));
        state.Put(Quant(WhShelf, 3));
        state.Put(Quant(WhOutput, 7)); // picked for a delivery; the chained move reserves it there
        state.Put(Quant(WhInput, 11)); // received, not put away yet
        state.Put(Quant(AtlStock, 2));

        var results = new AvailabilityCalculator([Store(locations: [Portland(), Atlanta()])]).Compute(state, Product).ToList();

        results.Single(r => r.Key.ShopifyLocationId == PortlandLocation).OnHand.Should().Be(8);
        results.Single(r => r.Key.ShopifyLocationId == AtlantaLocation).OnHand.Should().Be(2);
        results.Single(r => r.Key.ShopifyLocationId == PortlandLocation).OdooLocationIds.Should().Equal(WhStock);
    }

    [Fact]
    public void A_shopify_location_fed_by_two_warehouses_and_a_named_location_sums_them()
    {
        var state = State();
        state.Put(Quant(WhStock, 5));
        state.Put(Quant(AtlStock, 2));
        state.Put(Quant(WhOutput, 1));
        var both = new LocationTarget(PortlandLocation, "Everything", ["WH", "ATL"], ["WH/Output"]);

        OnHand(state, Store(locations: both)).Should().Be(8);
    }

    [Fact]
    public void Lots_packages_owners_and_duplicate_quants_add_up_by_key_not_by_quant_id()
    {
        var state = State();
        state.Put(Quant(WhStock, 4, lot: 1));
        state.Put(Quant(WhStock, 6, lot: 2, package: 9));
        state.Put(Quant(WhShelf, 1, owner: 77));
        var duplicateA = Quant(WhStock, 2, reserved: 1, lot: 1); // Odoo's concurrent reservation inserts a second row for a key
        var duplicateB = Quant(WhStock, 0, reserved: 1, lot: 1); // reserved on a fresh row with quantity 0
        state.Put(duplicateA);
        state.Put(duplicateB);
        var before = OnHand(state, Store());

        // _merge_quants: sums into the first row and deletes the others; the total must not move.
        state.RemoveQuant(duplicateB.Id);
        state.Put(duplicateA with { Quantity = 2, Reserved = 2 });

        before.Should().Be(4 + 6 + 1 + 2 - 2);
        OnHand(state, Store()).Should().Be(before);
    }

    [Fact]
    public void Negative_quants_reduce_what_can_be_sold()
    {
        var state = State();
        state.Put(Quant(WhStock, 10));
        state.Put(Quant(WhShelf, -4)); // validated a delivery without stock: Odoo goes negative

        OnHand(state, Store()).Should().Be(6);
    }

    [Fact]
    public void Reservations_and_unreserved_demand_of_other_channels_are_subtracted_internal_moves_are_not()
    {
        var state = State();
        state.Put(Quant(WhStock, 10, reserved: 3));
        state.Put(Move(WhStock, Customers, demand: 5, reserved: 3, "partially_available"));
        state.Put(Move(WhStock, WhShelf, demand: 4, reserved: 0, "confirmed")); // stays inside the mapped locations
        state.Put(Move(Vendors, WhStock, demand: 20, reserved: 0, "assigned")); // incoming: not sellable before it arrives
        state.Put(Move(WhStock, Customers, demand: 9, reserved: 0, "draft")); // a quotation's move: no demand yet

        var inputs = Inputs(state, [Store()]);

        inputs.OdooReserved.Should().Be(3);
        inputs.UnreservedDemand.Should().Be(2);
        OnHand(state, Store()).Should().Be(10 - 3 - 2);
    }

    [Fact]
    public void The_stores_own_orders_are_not_subtracted_again_other_stores_see_them()
    {
        var state = State();
        var line = ChannelSaleOrder(state, Shop, 5001, 2);
        state.Put(Quant(WhStock, 10, reserved: 2));
        state.Put(Move(WhStock, Customers, demand: 2, reserved: 2, "assigned", saleLine: line));
        var own = Store();
        var other = Store(OtherShop);

        Inputs(state, [own, other]).OwnStoreReserved.Should().Be(2);
        new AvailabilityCalculator([own, other]).Compute(state, Product).Single(r => r.Key.ShopDomain == Shop).OnHand.Should().Be(10);
        new AvailabilityCalculator([own, other]).Compute(state, Product).Single(r => r.Key.ShopDomain == OtherShop).OnHand.Should().Be(8);
    }

    [Fact]
    public void Shipped_for_the_store_but_not_fulfilled_in_shopify_is_added_back()
    {
        var state = State();
        var line = ChannelSaleOrder(state, Shop, 5002, 1);
        state.Put(Quant(WhStock, 9)); // the unit left WH/Stock when the pick was validated
        state.Put(Move(WhStock, WhOutput, demand: 1, reserved: 1, "done", saleLine: line));

        Inputs(state, [Store()]).OwnStoreShippedUnfulfilled.Should().Be(1);
        OnHand(state, Store()).Should().Be(10);
    }

    /// <summary>docs/inventory-policy.md: an order of store B counts for store A once, whatever step it is at.</summary>
    [Fact]
    public void Another_stores_order_counts_exactly_once_from_intake_to_shipment()
    {
        var state = State();
        var quant = Quant(WhStock, 10);
        state.Put(quant);
        var storeA = Store(Shop);
        var storeB = Store(OtherShop, orderWarehouse: "WH");
        int ValueForA() => new AvailabilityCalculator([storeA, storeB]).Compute(state, Product).Single(r => r.Key.ShopDomain == Shop).OnHand;

        ValueForA().Should().Be(10);

        // 1. On the intake topic, not in Odoo yet.
        var order = new ChannelOrder(OtherShop, 7001, "#7001", new DateTime(2026, 11, 1, 10, 0, 0, DateTimeKind.Utc), false, [new ChannelOrderLine(Sku, 3)]);
        state.Put(order, out _);
        ValueForA().Should().Be(7);

        // 2. Written into Odoo as a quotation: no moves, still pending.
        var line = ChannelSaleOrder(state, OtherShop, 7001, 3, orderState: "draft");
        ValueForA().Should().Be(7);

        // 3. Confirmed: the move exists and Odoo's demand takes over (unreserved).
        var move = Move(WhStock, Customers, demand: 3, reserved: 0, "confirmed", saleLine: line);
        state.Put(move);
        ValueForA().Should().Be(7);

        // 4. Reserved.
        state.Put(move with { Quantity = 3, State = "assigned" });
        state.Put(quant with { Reserved = 3 });
        ValueForA().Should().Be(7);

        // 5. Shipped: the stock is gone, the demand with it.
        state.Put(move with { Quantity = 3, State = "done" });
        state.Put(quant with { Quantity = 7, Reserved = 0 });
        ValueForA().Should().Be(7);
    }

    [Fact]
    public void A_cancelled_channel_order_no_longer_counts()
    {
        var state = State();
        state.Put(Quant(WhStock, 10));
        var storeA = Store(Shop);
        var storeB = Store(OtherShop, orderWarehouse: "WH");
        var placed = new ChannelOrder(OtherShop, 7002, "#7002", new DateTime(2026, 11, 1, 10, 0, 0, DateTimeKind.Utc), false, [new ChannelOrderLine(Sku, 4)]);
        state.Put(placed, out _);
        new AvailabilityCalculator([storeA, storeB]).Compute(state, Product).Single(r => r.Key.ShopDomain == Shop).OnHand.Should().Be(6);

        state.Put(placed with { Cancelled = true, UpdatedAt = placed.UpdatedAt.AddMinutes(1) }, out _).Should().BeTrue();
        new AvailabilityCalculator([storeA, storeB]).Compute(state, Product).Single(r => r.Key.ShopDomain == Shop).OnHand.Should().Be(10);

        // A late, older delivery of orders/create does not bring it back.
        state.Put(placed, out _).Should().BeFalse();
        new AvailabilityCalculator([storeA, storeB]).Compute(state, Product).Single(r => r.Key.ShopDomain == Shop).OnHand.Should().Be(10);
    }

    [Fact]
    public void Safety_stock_per_sku_overrides_the_locations_default()
    {
        var state = State();
        state.Put(Quant(WhStock, 10));
        var location = Portland(safety: 2) with { SafetyStockBySku = new Dictionary<string, decimal> { [Sku] = 5 } };

        OnHand(state, Store(locations: location)).Should().Be(5);
        OnHand(state, Store(safety: 2)).Should().Be(8);
    }

    [Fact]
    public void Assortment_consumables_and_products_without_sku_produce_nothing()
    {
        var state = State();
        state.Put(Quant(WhStock, 10));
        new AvailabilityCalculator([Store(assortment: new SkuAssortment(exclude: ["TSHIRT-*"]))]).Compute(state, Product).Should().BeEmpty();
        new AvailabilityCalculator([Store(assortment: new SkuAssortment(include: ["TSHIRT-*-M"]))]).Compute(state, Product).Should().ContainSingle();

        state.Put(new TemplateRow(1, "consu", true));
        new AvailabilityCalculator([Store()]).Compute(state, Product).Should().BeEmpty();

        state.Put(new TemplateRow(1, "product", true));
        state.Put(new ProductRow(Product, null, 1, true));
        new AvailabilityCalculator([Store()]).Compute(state, Product).Should().BeEmpty();
    }

    [Fact]
    public void A_new_location_under_a_mapped_warehouse_counts_once_odoo_says_so()
    {
        var state = State();
        state.Put(Quant(WhStock, 1));
        state.Put(Quant(30, 4));
        var calculator = new AvailabilityCalculator([Store()]);
        calculator.Compute(state, Product).Single().OnHand.Should().Be(1);

        state.Put(new LocationRow(30, "WH/Stock/Shelf 9", "internal", "1/10/11/30/", 1, true));

        calculator.Compute(state, Product).Single().OnHand.Should().Be(5);
    }
}
