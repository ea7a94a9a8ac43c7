using System.Diagnostics;
using System.Globalization;
using System.Text;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Testing;

namespace CdcBridge.Inventory.Tests;

/// <summary>
/// The availability property (issue 5): over random, seeded interleavings of Odoo stock changes, channel orders and
/// Shopify sales, at quiescence every Shopify level holds the policy's value as an independent oracle computes it
/// from Odoo's tables (<see cref="OracleAvailability"/>), the projector agrees, and no push ever overwrote a sale.
/// A failure names its seed; <c>CDCBRIDGE_PROPERTY_SEED=&lt;seed&gt;</c> replays the same operations.
/// </summary>
public sealed class AvailabilityPropertyTests(RegistryInfrastructure fixture)
{
    private const long OtherAStock = 9_100_001;
    private const long OtherAAtlanta = 9_100_002;
    private const long OtherBAtlanta = 9_100_003;

    [Fact]
    public async Task Shopify_on_hand_is_the_policy_value_of_odoo_state_after_random_interleavings_and_never_overwrites_a_sale()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = PropertyRandom.ResolveSeed();
        Say($"{PropertyRandom.SeedVariable}={seed}");
        var rng = new PropertyRandom(seed);
        var rounds = EnvInt("CDCBRIDGE_PROPERTY_ROUNDS", 5);
        var clock = Stopwatch.StartNew();

        // Other stores share the projector: their channel orders count as pending where their order warehouse is (WH
        // for other-a, ATL for other-b); other-a also sells WH/Output (a named location) and ATL. The stranger store
        // is configured nowhere, so its orders count nowhere.
        OracleStore[] others =
        [
            new(PropertyWorld.OtherA, [new OracleLocation(OtherAStock, ["WH"], ["WH/Output"]) { SafetyStock = 0.5m }, new OracleLocation(OtherAAtlanta, ["ATL"], [])]),
            new(PropertyWorld.OtherB, [new OracleLocation(OtherBAtlanta, ["ATL"], [])], OrderWarehouse: "ATL"),
        ];
        var odoo = await fixture.Infrastructure.CreateOdooDatabaseAsync(ct);
        await using var world = await PropertyWorld.CreateAsync(rng, odoo, ct);

        // Safety stock at Portland: 1 by default, 2.5 for one of the products worked on, none for another.
        var safetyBySku = new Dictionary<string, decimal>(StringComparer.Ordinal) { [world.Products[1].Sku] = 2.5m, [world.Products[2].Sku] = 0m };
        await using var pipeline = await AvailabilityPipeline.StartAsync(fixture, new AvailabilityPipelineOptions
        {
            OdooDatabase = odoo,
            SafetyStock = 1m,
            SafetyStockBySku = safetyBySku,
            OtherStores = [.. others.Select(o => o.ToTarget())],
        }, ct);

        // The simulator's store as AvailabilityPipeline configures it: warehouse WH at its Portland location.
        OracleStore[] stores =
        [
            new(pipeline.Shopify.ShopDomain, [new OracleLocation(pipeline.WarehouseLocationId, ["WH"], []) { SafetyStock = 1m, SafetyStockBySku = safetyBySku }]),
            .. others,
        ];
        using var intake = new PropertyIntake(fixture.Infrastructure.KafkaBootstrap, fixture.RegistryUrl, pipeline.IntakeTopic);
        world.Connect(pipeline.Shopify, intake);
        Say($"started in {clock.Elapsed.TotalSeconds:F1} s; products {string.Join(", ", world.Products.Select(p => p.Sku))}");

        await pipeline.SettleAsync(ct);
        await CheckAsync(pipeline, stores, intake, world, seed, "snapshot", ct);
        for (var round = 1; round <= rounds; round++)
        {
            var count = rng.Next(20, 61);
            var started = clock.Elapsed;
            await world.RunAsync(round, count, ct);
            await pipeline.QuiesceAsync(TimeSpan.FromSeconds(90), ct);
            var settled = clock.Elapsed;
            var keys = await CheckAsync(pipeline, stores, intake, world, seed, $"round {round}", ct);
            Say($"round {round}: {count} operations, settled in {(settled - started).TotalSeconds:F1} s, {keys} values checked");
        }

        Say($"seed {seed}: {rounds} rounds, {world.Log.Count} operations, {world.ChannelOrders} channel orders ({intake.Published} webhooks), " +
            $"{pipeline.Shopify.Orders().Count} Shopify orders, {pipeline.Dispatcher.Status.QuantitiesSet} quantities pushed, {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Checks the property at quiescence; returns how many values it compared.</summary>
    private static async Task<int> CheckAsync(AvailabilityPipeline pipeline, OracleStore[] stores, PropertyIntake intake, PropertyWorld world, int seed, string when,
        CancellationToken ct)
    {
        var odoo = await OracleAvailability.LoadAsync(pipeline.Odoo, ct);
        var expected = OracleAvailability.Compute(odoo, stores, intake.Newest);
        var failures = new List<string>();
        var shop = pipeline.Shopify.ShopDomain;
        var portland = pipeline.WarehouseLocationId;

        // (b) the projector holds the oracle's value for every key of every store.
        foreach (var (key, value) in expected.OrderBy(e => e.Key.Shop, StringComparer.Ordinal).ThenBy(e => e.Key.Sku, StringComparer.Ordinal).ThenBy(e => e.Key.Location))
        {
            var projected = pipeline.Projector.ValueOf(new AvailabilityKey(key.Shop, key.Sku, key.Location));
            if (projected != value.OnHand)
            {
                failures.Add($"projector {key.Shop} {key.Sku} @{key.Location}: {projected?.ToString(CultureInfo.InvariantCulture) ?? "none"}, oracle {value}");
            }
        }

        // (a) Shopify's on_hand at the mapped location is the oracle's value; (c) committed is exactly what was sold,
        // available = on_hand − committed, and nothing was ever pushed to the unmapped locations.
        var levels = pipeline.Shopify.Inventory();
        var skus = levels.Select(l => l.Sku).ToHashSet(StringComparer.Ordinal);
        var oracleSkus = expected.Keys.Where(k => k.Shop == shop && k.Location == portland).Select(k => k.Sku).ToHashSet(StringComparer.Ordinal);
        if (!skus.SetEquals(oracleSkus))
        {
            failures.Add($"Shopify sells {skus.Count} SKUs, the oracle computes {oracleSkus.Count}: {string.Join(", ", skus.Except(oracleSkus).Concat(oracleSkus.Except(skus)).Take(10))}");
        }

        foreach (var level in levels)
        {
            var location = ShopifyGid.TryParse(level.LocationId, "Location")!.Value;
            var sold = world.Committed.GetValueOrDefault((level.Sku, location));
            var at = $"Shopify {level.Sku} @{location}";
            if (location == portland && expected.TryGetValue((shop, level.Sku, portland), out var value) && level.OnHand != value.OnHand)
            {
                failures.Add($"{at}: on_hand {level.OnHand}, oracle {value}");
            }

            if (location != portland && level.OnHand != 0)
            {
                failures.Add($"{at}: on_hand {level.OnHand} at a location nothing maps to");
            }

            if (level.Committed != sold)
            {
                failures.Add($"{at}: committed {level.Committed}, sold {sold}");
            }

            if (level.Reserved != 0 || level.Damaged != 0 || level.QualityControl != 0 || level.SafetyStock != 0)
            {
                failures.Add($"{at}: unexpected states reserved {level.Reserved} damaged {level.Damaged} qc {level.QualityControl} safety {level.SafetyStock}");
            }

            if (level.Available != level.OnHand - level.Committed)
            {
                failures.Add($"{at}: available {level.Available} ≠ on_hand {level.OnHand} − committed {level.Committed}");
            }
        }

        var simulated = pipeline.Shopify.Orders().SelectMany(o => o.Lines.Select(l => (l.Sku, o.LocationId, (long)l.Quantity)))
            .GroupBy(l => (l.Sku, l.LocationId)).ToDictionary(g => g.Key, g => g.Sum(l => l.Item3));
        if (!simulated.OrderBy(e => e.Key).SequenceEqual(world.Committed.OrderBy(e => e.Key)))
        {
            failures.Add("the simulator's orders are not the sales the test made");
        }

        if (pipeline.Runner.Status is { Parked: > 0 } runner)
        {
            failures.Add($"the projection parked {runner.Parked} records ({runner.LastError})");
        }

        if (pipeline.Dispatcher.Status is { Parked: > 0 } dispatcher)
        {
            failures.Add($"the dispatcher parked {dispatcher.Parked} pushes ({dispatcher.LastError})");
        }

        if (failures.Count > 0)
        {
            var message = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"After {when}, seed {seed} ({PropertyRandom.SeedVariable}={seed} replays it): {failures.Count} violations")
                .AppendJoin(Environment.NewLine, failures.Take(30)).AppendLine()
                .AppendLine("Operations (last 120):")
                .AppendJoin(Environment.NewLine, world.Log.TakeLast(120));
            Say(message.ToString());
            Assert.Fail(message.ToString());
        }

        // How much of the formula the round exercised: keys whose term is not zero.
        var terms = expected.Values.ToList();
        Say($"{when}: non-zero terms over {terms.Count} keys: reserved {terms.Count(t => t.OdooReserved != 0)}, own reserved {terms.Count(t => t.OwnStoreReserved != 0)}, " +
            $"unreserved demand {terms.Count(t => t.UnreservedDemand != 0)}, pending {terms.Count(t => t.PendingChannelOrders != 0)}, " +
            $"own shipped {terms.Count(t => t.OwnStoreShippedUnfulfilled != 0)}, fractional {terms.Count(t => t.OdooOnHand != decimal.Truncate(t.OdooOnHand))}, " +
            $"negative {terms.Count(t => t.OdooOnHand < 0)}, clamped to 0 {terms.Count(t => t.OnHand == 0)}");
        if (Environment.GetEnvironmentVariable("CDCBRIDGE_PROPERTY_VERBOSE") is { Length: > 0 })
        {
            Say(string.Join(Environment.NewLine, world.Log));
        }

        return expected.Count + levels.Count;
    }

    // ---- regressions: what the property found, pinned by minimal reproductions ----------------------------------

    /// <summary>Bug: stock_move.quantity is in the move's unit (Dozens) and was subtracted from product_qty, in the product's unit.</summary>
    [Fact]
    public async Task A_reserved_odoo_sale_in_dozens_claims_its_12_units_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pipeline = await AvailabilityPipeline.StartAsync(fixture, ct);
        await pipeline.SettleAsync(ct);
        var (sku, product, stock, before) = await SellingProductAsync(pipeline, ct);

        // One transaction as Odoo leaves it: 24 units put away, a confirmed sale of 1 dozen (product_qty 12) reserved in full
        // (move quantity 1 in Dozens, its line 12 in units, the quant's reserved_quantity 12).
        await ExecuteAsync(pipeline.Odoo,
            $"""
            WITH q AS (INSERT INTO stock_quant (product_id, company_id, location_id, quantity, reserved_quantity, in_date)
                       VALUES ({product}, 1, {stock}, 24, 12, now() AT TIME ZONE 'UTC') RETURNING id),
                 so AS (INSERT INTO sale_order (name, company_id, partner_id, state, date_order, partner_invoice_id, partner_shipping_id, picking_policy, warehouse_id)
                        VALUES ('SDOZEN', 1, 1, 'sale', now() AT TIME ZONE 'UTC', 1, 1, 'direct', 1) RETURNING id),
                 sl AS (INSERT INTO sale_order_line (order_id, company_id, product_id, name, product_uom_qty, product_uom, price_unit, customer_lead, state)
                        SELECT so.id, 1, {product}, '{sku}', 1, 2, 120, 0, 'sale' FROM so RETURNING id),
                 mv AS (INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, location_id, location_dest_id,
                            state, procure_method, quantity, sale_line_id)
                        SELECT '{sku}', now() AT TIME ZONE 'UTC', 1, {product}, 12, 1, 2, {stock}, 5, 'assigned', 'make_to_stock', 1, sl.id FROM sl RETURNING id)
            INSERT INTO stock_move_line (move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom, date, location_id, location_dest_id, state)
            SELECT mv.id, 1, {product}, 2, 1, 12, now() AT TIME ZONE 'UTC', {stock}, 5, 'assigned' FROM mv
            """, ct);
        await pipeline.QuiesceAsync(TimeSpan.FromSeconds(60), ct);

        pipeline.Shopify.Level(sku, pipeline.WarehouseLocationId).OnHand.Should().Be(before + 12, "24 units arrived and 12 of them are reserved for the dozen");
    }

    /// <summary>Bug: cancelling an Odoo sale order recomputed only its Odoo lines' products, not every SKU of its channel order.</summary>
    [Fact]
    public async Task Cancelling_a_channel_orders_odoo_order_ends_the_pending_units_of_a_sku_it_has_no_line_for()
    {
        var ct = TestContext.Current.CancellationToken;
        var other = new StoreTarget(PropertyWorld.OtherA, [new LocationTarget(OtherAStock, "Other A", ["WH"], [])], SkuAssortment.All);
        await using var pipeline = await AvailabilityPipeline.StartAsync(fixture, new AvailabilityPipelineOptions { OtherStores = [other] }, ct);
        await pipeline.SettleAsync(ct);
        var (sku, _, _, before) = await SellingProductAsync(pipeline, ct);
        using var intake = new PropertyIntake(fixture.Infrastructure.KafkaBootstrap, fixture.RegistryUrl, pipeline.IntakeTopic);

        // Another store's order for 3 units: pending for this store until Odoo holds it.
        var at = new DateTime(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc);
        await intake.PublishAsync(new PropertyOrderVersion(PropertyWorld.OtherA, 42, "#1042", "ORDERS_CREATE", at, at, false, [(sku, 3, 3)], 0), ct);
        await pipeline.QuiesceAsync(TimeSpan.FromSeconds(60), ct);
        pipeline.Shopify.Level(sku, pipeline.WarehouseLocationId).OnHand.Should().Be(before - 3);

        // Its Odoo order without a line for the SKU (an operator removed it from the quotation), then cancelled in Odoo.
        var origin = ChannelOrder.OriginFor(PropertyWorld.OtherA, 42);
        await ExecuteAsync(pipeline.Odoo,
            $"""
            INSERT INTO sale_order (name, company_id, partner_id, state, date_order, origin, partner_invoice_id, partner_shipping_id, picking_policy, warehouse_id)
            VALUES ('S1042', 1, 1, 'draft', now() AT TIME ZONE 'UTC', '{origin}', 1, 1, 'direct', 1)
            """, ct);
        await pipeline.QuiesceAsync(TimeSpan.FromSeconds(60), ct);
        await ExecuteAsync(pipeline.Odoo, $"UPDATE sale_order SET state = 'cancel' WHERE origin = '{origin}'", ct);
        await pipeline.QuiesceAsync(TimeSpan.FromSeconds(60), ct);

        pipeline.Shopify.Level(sku, pipeline.WarehouseLocationId).OnHand.Should().Be(before,
            "Odoo holds a cancelled order (docs/inventory-policy.md, the intake seam): its units are no longer pending");
    }

    /// <summary>A SKU sold at Portland with an unclamped value above 5, its product and WH's stock location.</summary>
    private static async Task<(string Sku, int Product, int Stock, long OnHand)> SellingProductAsync(AvailabilityPipeline pipeline, CancellationToken ct)
    {
        var level = pipeline.Shopify.Inventory().Where(l => l.LocationId == ShopifyGid.Location(pipeline.WarehouseLocationId) && l.OnHand > 5)
            .OrderBy(l => l.Sku, StringComparer.Ordinal).First();
        await using var db = new Npgsql.NpgsqlConnection(pipeline.Odoo);
        await db.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT p.id, w.lot_stock_id FROM product_product p, stock_warehouse w WHERE p.default_code = $1 AND w.code = 'WH'", db)
        { Parameters = { new() { Value = level.Sku } } };
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (level.Sku, reader.GetInt32(0), reader.GetInt32(1), level.OnHand);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var db = new Npgsql.NpgsqlConnection(connectionString);
        await db.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static int EnvInt(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;

    private static void Say(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine(line);
    }
}
