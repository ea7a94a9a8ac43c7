using System.Diagnostics;
using System.Globalization;
using System.Text;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Orders.Ledger;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.Inventory.Tests;

/// <summary>
/// The availability property (issue 5) on the real order path (issue 6): shoppers order in the Shopify simulator, its
/// signed webhooks (some duplicated, delayed, or with lines without SKU) go through the receiver onto the intake topic,
/// the intake projection folds them into the ledger, the dispatcher writes and confirms them in Odoo through the Odoo
/// simulator (which reserves stock as Odoo does), the capture carries Odoo's rows to the availability projection, and
/// the dispatcher pushes Shopify's on_hand. Seeded random rounds mix orders, cancellations (before and after the order
/// reaches Odoo), Odoo's own stock operations and deliveries; at quiescence Shopify holds the policy value the
/// independent oracle computes, committed is exactly the open orders, every open order is one confirmed Odoo sale order,
/// and every open order's units count exactly once for another store fed by the same warehouse (pending or in Odoo).
/// One round runs with the writer paused, so the pending half of that last check sees orders not yet in Odoo.
/// A failure names its seed; <c>CDCBRIDGE_PROPERTY_SEED=&lt;seed&gt;</c> replays the same operations (their
/// interleaving with the asynchronous writer and capture may differ).
/// </summary>
public sealed class AvailabilityThroughOrderIntakeTests(RegistryInfrastructure fixture)
{
    private const long OtherAStock = 9_100_001;

    [Fact]
    public async Task Shopify_orders_through_intake_writer_odoo_and_capture_keep_on_hand_at_the_policy_value_and_count_each_order_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = PropertyRandom.ResolveSeed();
        Say($"{PropertyRandom.SeedVariable}={seed}");
        var rng = new PropertyRandom(seed);
        var rounds = EnvInt("CDCBRIDGE_PROPERTY_ROUNDS", 4);
        var clock = Stopwatch.StartNew();

        // Another store sells WH (and WH/Output): the simulator store's orders count for it as pending until Odoo holds
        // them, then through Odoo's moves. It has no simulator or dispatcher; the projector computes its values.
        OracleStore other = new(PropertyWorld.OtherA, [new OracleLocation(OtherAStock, ["WH"], ["WH/Output"]) { SafetyStock = 0.5m }]);
        var odoo = await fixture.Infrastructure.CreateOdooDatabaseAsync(ct);
        await using var world = await PropertyWorld.CreateAsync(rng, odoo, ct);
        var safetyBySku = new Dictionary<string, decimal>(StringComparer.Ordinal) { [world.Products[1].Sku] = 2.5m, [world.Products[2].Sku] = 0m };
        await using var pipeline = await AvailabilityPipeline.StartAsync(fixture, new AvailabilityPipelineOptions
        {
            OdooDatabase = odoo,
            SafetyStock = 1m,
            SafetyStockBySku = safetyBySku,
            OtherStores = [other.ToTarget()],
        }, ct);
        await using var orders = await OrderIntakePath.StartAsync(fixture, pipeline, ct);
        OracleStore[] stores =
        [
            new(pipeline.Shopify.ShopDomain, [new OracleLocation(pipeline.WarehouseLocationId, ["WH"], []) { SafetyStock = 1m, SafetyStockBySku = safetyBySku }]),
            other,
        ];
        var shoppers = new Shoppers(rng, pipeline, orders, world);
        Say($"started in {clock.Elapsed.TotalSeconds:F1} s; products {string.Join(", ", world.Products.Select(p => p.Sku))}; writer's warehouse {orders.WarehouseId}");

        await pipeline.SettleAsync(ct);
        await CheckAsync(pipeline, orders, stores, shoppers, seed, "snapshot", ct);
        for (var round = 1; round <= rounds; round++)
        {
            // Round 2 runs with the writer paused: its orders are on the intake topic and in the ledger, not in Odoo.
            var paused = round == 2;
            if (paused)
            {
                await orders.PauseWriterAsync();
            }
            else
            {
                orders.StartWriter();
            }

            var count = rng.Next(15, 31);
            var started = clock.Elapsed;
            try
            {
                await shoppers.RunAsync(round, count, paused, ct);
                await orders.QuiesceAsync(TimeSpan.FromSeconds(90), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var message = $"Round {round}, seed {seed} ({PropertyRandom.SeedVariable}={seed} replays it): {e.Message}{Environment.NewLine}Operations (last 120):{Environment.NewLine}"
                    + string.Join(Environment.NewLine, shoppers.Log.TakeLast(120));
                Say(message);
                throw new InvalidOperationException(message, e);
            }

            var settled = clock.Elapsed;
            var keys = await CheckAsync(pipeline, orders, stores, shoppers, seed, $"round {round}{(paused ? " (writer paused)" : "")}", ct);
            Say($"round {round}: {count} operations, settled in {(settled - started).TotalSeconds:F1} s, {keys} values checked");
        }

        Say($"seed {seed}: {rounds} rounds, {shoppers.Log.Count} operations, {shoppers.Orders.Count} Shopify orders ({shoppers.Orders.Count(o => o.Cancelled)} cancelled, " +
            $"{shoppers.Orders.Count(o => o.WithoutSku)} without SKU), {pipeline.Shopify.WebhookDeliveries().Count} webhooks, " +
            $"{pipeline.Dispatcher.Status.QuantitiesSet} quantities pushed, {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Checks the property at quiescence; returns how many values it compared.</summary>
    private static async Task<int> CheckAsync(AvailabilityPipeline pipeline, OrderIntakePath orders, OracleStore[] stores, Shoppers shoppers, int seed, string when,
        CancellationToken ct)
    {
        var shop = pipeline.Shopify.ShopDomain;
        var portland = pipeline.WarehouseLocationId;
        var intake = await orders.ReadIntakeAsync(ct);
        var newest = OrderIntakePath.Newest(intake);
        var odoo = await OracleAvailability.LoadAsync(pipeline.Odoo, ct);
        var expected = OracleAvailability.Compute(odoo, stores,
            [.. newest.Values.Select(v => new OracleChannelOrder(v.Shop, v.OrderId, v.UpdatedAt, v.Cancelled, v.Lines))]);
        var ledger = await orders.LedgerAsync(ct);
        var failures = new List<string>();

        // 1. The projector holds the oracle's value for every key of both stores, and Shopify's on_hand at the mapped
        // location is the oracle's value (nothing is pushed where nothing maps).
        foreach (var (key, value) in expected.OrderBy(e => e.Key.Shop, StringComparer.Ordinal).ThenBy(e => e.Key.Sku, StringComparer.Ordinal).ThenBy(e => e.Key.Location))
        {
            var projected = pipeline.Projector.ValueOf(new AvailabilityKey(key.Shop, key.Sku, key.Location));
            if (projected != value.OnHand)
            {
                failures.Add($"projector {key.Shop} {key.Sku} @{key.Location}: {projected?.ToString(CultureInfo.InvariantCulture) ?? "none"}, oracle {value}");
            }
        }

        var levels = pipeline.Shopify.Inventory();
        var skus = levels.Select(l => l.Sku).ToHashSet(StringComparer.Ordinal);
        var oracleSkus = expected.Keys.Where(k => k.Shop == shop && k.Location == portland).Select(k => k.Sku).ToHashSet(StringComparer.Ordinal);
        if (!skus.SetEquals(oracleSkus))
        {
            failures.Add($"Shopify sells {skus.Count} SKUs, the oracle computes {oracleSkus.Count}: {string.Join(", ", skus.Except(oracleSkus).Concat(oracleSkus.Except(skus)).Take(10))}");
        }

        // 2. committed is exactly the open orders' units, available = on_hand − committed (a push never overwrote a sale).
        var open = shoppers.Orders.Where(o => !o.Cancelled).ToList();
        var committed = open.SelectMany(o => o.Order.Lines.Select(l => (l.Sku, o.Order.LocationId, (long)l.Quantity)))
            .GroupBy(l => (l.Sku, l.LocationId)).ToDictionary(g => g.Key, g => g.Sum(l => l.Item3));
        foreach (var level in levels)
        {
            var location = ShopifyGid.TryParse(level.LocationId, "Location")!.Value;
            var at = $"Shopify {level.Sku} @{location}";
            if (location == portland && expected.TryGetValue((shop, level.Sku, portland), out var value) && level.OnHand != value.OnHand)
            {
                failures.Add($"{at}: on_hand {level.OnHand}, oracle {value}");
            }

            if (location != portland && level.OnHand != 0)
            {
                failures.Add($"{at}: on_hand {level.OnHand} at a location nothing maps to");
            }

            var sold = committed.GetValueOrDefault((level.Sku, location));
            if (level.Committed != sold)
            {
                failures.Add($"{at}: committed {level.Committed}, open orders {sold}");
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

        var simulated = pipeline.Shopify.Orders().Where(o => o.CancelledAt is null).Select(o => o.Id).Order().ToList();
        if (!simulated.SequenceEqual(open.Select(o => o.Order.Id).Order()))
        {
            failures.Add("the simulator's open orders are not the ones the test left open");
        }

        // 3. Every accepted order is exactly one confirmed Odoo sale order (found by origin), with Shopify's lines; one
        // cancelled before it was written is none; one cancelled after is one, cancelled. The ledger says the same.
        var saleOrders = await SaleOrdersAsync(pipeline.Odoo, shop, ct);
        var firstRecords = intake.GroupBy(r => (r.Shop, r.OrderId)).ToDictionary(g => g.Key, g => g.First());
        foreach (var o in shoppers.Orders)
        {
            var id = o.Order.Id;
            var what = $"order {o.Order.Name} ({id}, {o.How})";
            var found = saleOrders.GetValueOrDefault(ChannelOrder.OriginFor(shop, id)) ?? [];
            if (!ledger.TryGetValue(id, out var row))
            {
                failures.Add($"{what}: not in the ledger (the webhook was accepted)");
                continue;
            }

            if (row.Status == OrderStatus.Parked)
            {
                failures.Add($"{what}: parked: {row.ParkReason}");
                continue;
            }

            if (found.Count > 1)
            {
                failures.Add($"{what}: {found.Count} Odoo sale orders ({string.Join(", ", found.Select(s => s.Id))})");
                continue;
            }

            var sale = found.SingleOrDefault();
            if (!o.Cancelled && shoppers.Unwritable(o))
            {
                if (sale is not null || row.Status != OrderStatus.Pending)
                {
                    failures.Add($"{what}: placed while the writer is paused, but ledger {row.Status}, Odoo {sale?.State ?? "none"}");
                }
            }
            else if (!o.Cancelled)
            {
                if (sale is not { State: "sale" } || row.Status != OrderStatus.Written || row.SaleOrderId != sale.Id)
                {
                    failures.Add($"{what}: open, but Odoo {sale?.State ?? "none"} (sale order {sale?.Id}), ledger {row.Status} (sale order {row.SaleOrderId})");
                }
                else
                {
                    var shopifyLines = o.Order.Lines.GroupBy(l => l.Sku).ToDictionary(g => g.Key, g => (decimal)g.Sum(l => l.Quantity));
                    if (sale.Ref != o.Order.Name || !shopifyLines.OrderBy(l => l.Key, StringComparer.Ordinal).SequenceEqual(sale.Lines.OrderBy(l => l.Key, StringComparer.Ordinal)))
                    {
                        failures.Add($"{what}: Odoo sale order {sale.Id} ref {sale.Ref} lines {Describe(sale.Lines)}, Shopify {Describe(shopifyLines)}");
                    }
                }
            }
            else
            {
                var first = firstRecords.GetValueOrDefault((shop, id));
                if (sale is null ? row.Status != OrderStatus.Skipped : sale.State != "cancel" || row.Status != OrderStatus.Cancelled || row.SaleOrderId != sale.Id)
                {
                    failures.Add($"{what}: cancelled, but Odoo {sale?.State ?? "none"}, ledger {row.Status}");
                }
                else if (first is { Cancelled: true } && sale is not null)
                {
                    failures.Add($"{what}: its orders/cancelled came first on the intake topic, yet Odoo has sale order {sale.Id}");
                }
                else if (o.How == Shoppers.CancelledAfterWritten && sale is null)
                {
                    failures.Add($"{what}: cancelled after it was written, yet Odoo has no sale order");
                }
            }
        }

        var known = shoppers.Orders.Select(o => ChannelOrder.OriginFor(shop, o.Order.Id)).ToHashSet(StringComparer.Ordinal);
        foreach (var origin in saleOrders.Keys.Where(k => !known.Contains(k)))
        {
            failures.Add($"Odoo has a sale order for {origin}, which no shopper placed");
        }

        if (ledger.Count != shoppers.Orders.Count)
        {
            failures.Add($"the ledger holds {ledger.Count} orders, the shoppers placed {shoppers.Orders.Count}");
        }

        // 4. Never both, never neither: for the other store fed by WH, each open order's units count either as pending (the
        // intake topic's newest description, not held by Odoo: the oracle's rule) or through Odoo, where its sale order —
        // found through the ledger, not through the origin availability reads — has a move for the product, open or done,
        // that leaves the store's mapped locations (so its demand, reservation or shipment counts there).
        // A cancelled order counts nowhere: its newest description is a cancellation and Odoo has no open move of it.
        var members = OracleAvailability.Members(odoo, stores.Single(s => s.Shop == PropertyWorld.OtherA).Locations[0]);
        var productOf = odoo.Products.GroupBy(p => p.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Key, StringComparer.Ordinal);
        var linesByOrder = odoo.SaleLines.ToLookup(l => l.OrderId);
        var saleState = odoo.SaleOrders.ToDictionary(s => s.Id, s => s.State);
        var checkedOnce = 0;
        foreach (var o in shoppers.Orders)
        {
            var n = newest.GetValueOrDefault((shop, o.Order.Id));
            var saleId = ledger.GetValueOrDefault(o.Order.Id)?.SaleOrderId;
            var lineIds = saleId is { } s ? linesByOrder[s].Select(l => l.Id).ToHashSet() : [];
            var what = $"order {o.Order.Name} ({o.Order.Id}, {o.How})";
            if (o.Cancelled)
            {
                if (n is not { Cancelled: true })
                {
                    failures.Add($"{what}: cancelled in Shopify, but the intake topic's newest description is {(n is null ? "missing" : "not cancelled")}");
                }

                if (!shoppers.Paused && odoo.Moves.Any(m => m.SaleLineId is { } l && lineIds.Contains(l) && m.State is not ("cancel" or "done")))
                {
                    failures.Add($"{what}: cancelled, but its Odoo sale order {saleId} still has open moves");
                }

                continue;
            }

            foreach (var sku in o.Order.Lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal))
            {
                var product = productOf[sku];
                var held = saleId is { } sid && (saleState.GetValueOrDefault(sid) is "cancel" or "done"
                    || odoo.Moves.Any(m => m.ProductId == product && m.SaleLineId is { } l && lineIds.Contains(l) && m.State != "cancel"
                        && members.Contains(m.LocationId) && !members.Contains(m.LocationDestId)));
                var pending = n is { Cancelled: false } && n.Lines.Any(l => l.Sku == sku && l.Quantity > 0)
                    && !OracleAvailability.OdooHolds(odoo, new OracleChannelOrder(n.Shop, n.OrderId, n.UpdatedAt, n.Cancelled, n.Lines), product);
                checkedOnce++;
                if (held == pending)
                {
                    failures.Add($"{what} {sku}: counts {(held ? "twice for " + PropertyWorld.OtherA + ": pending and in Odoo" : "nowhere: neither pending nor in Odoo")} " +
                        $"(sale order {saleId?.ToString(CultureInfo.InvariantCulture) ?? "none"}, newest intake {n?.Topic ?? "none"} with {Describe(n?.Lines ?? [])})");
                }
            }
        }

        if (pipeline.Runner.Status is { Parked: > 0 } runner)
        {
            failures.Add($"the projection parked {runner.Parked} records ({runner.LastError})");
        }

        if (pipeline.Dispatcher.Status is { Parked: > 0 } dispatcher)
        {
            failures.Add($"the dispatcher parked {dispatcher.Parked} pushes ({dispatcher.LastError})");
        }

        if (orders.IntakeRunner.Status is { Parked: > 0 } intakeRunner)
        {
            failures.Add($"the intake projection parked {intakeRunner.Parked} records ({intakeRunner.LastError})");
        }

        if (failures.Count > 0)
        {
            var message = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"After {when}, seed {seed} ({PropertyRandom.SeedVariable}={seed} replays it): {failures.Count} violations")
                .AppendJoin(Environment.NewLine, failures.Take(30)).AppendLine()
                .AppendLine("Operations (last 120):")
                .AppendJoin(Environment.NewLine, shoppers.Log.TakeLast(120));
            Say(message.ToString());
            Assert.Fail(message.ToString());
        }

        var terms = expected.Where(e => e.Key.Shop == PropertyWorld.OtherA).Select(e => e.Value).ToList();
        var statuses = ledger.Values.GroupBy(r => r.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        Say($"{when}: ledger {string.Join(", ", statuses)}; {checkedOnce} open order lines counted once; {PropertyWorld.OtherA} non-zero terms: " +
            $"pending {terms.Count(t => t.PendingChannelOrders != 0)}, reserved {terms.Count(t => t.OdooReserved != 0)}, unreserved demand {terms.Count(t => t.UnreservedDemand != 0)}; " +
            $"own store: own reserved {expected.Count(e => e.Key.Shop == shop && e.Value.OwnStoreReserved != 0)}, own shipped {expected.Count(e => e.Key.Shop == shop && e.Value.OwnStoreShippedUnfulfilled != 0)}");
        if (Environment.GetEnvironmentVariable("CDCBRIDGE_PROPERTY_VERBOSE") is { Length: > 0 })
        {
            Say(string.Join(Environment.NewLine, shoppers.Log));
        }

        return expected.Count + levels.Count + shoppers.Orders.Count;
    }

    /// <summary>The simulator store's Odoo sale orders by origin: id, state, client_order_ref, and storable products' quantities per SKU.</summary>
    private static async Task<Dictionary<string, List<OdooSale>>> SaleOrdersAsync(string odoo, string shop, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(odoo);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT o.id, o.origin, o.state, o.client_order_ref, CASE WHEN t.type = 'product' THEN p.default_code END, l.product_uom_qty
            FROM sale_order o
            LEFT JOIN sale_order_line l ON l.order_id = o.id
            LEFT JOIN product_product p ON p.id = l.product_id
            LEFT JOIN product_template t ON t.id = p.product_tmpl_id
            WHERE o.origin LIKE $1 ORDER BY o.id, l.id
            """, db)
        {
            Parameters = { new() { Value = $"shopify:{shop}:%" } },
        };
        var sales = new Dictionary<int, OdooSale>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt32(0);
            if (!sales.TryGetValue(id, out var sale))
            {
                sales[id] = sale = new OdooSale(id, reader.GetString(1), reader.GetString(2), await reader.IsDBNullAsync(3, ct) ? null : reader.GetString(3), []);
            }

            if (!await reader.IsDBNullAsync(4, ct))
            {
                sale.Lines[reader.GetString(4)] = sale.Lines.GetValueOrDefault(reader.GetString(4)) + reader.GetDecimal(5);
            }
        }

        return sales.Values.GroupBy(s => s.Origin, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    private static string Describe(IEnumerable<KeyValuePair<string, decimal>> lines) =>
        string.Join(" + ", lines.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Value.ToString(CultureInfo.InvariantCulture)} {l.Key}"));

    private static string Describe(IEnumerable<(string? Sku, int Quantity)> lines) => string.Join(" + ", lines.Select(l => $"{l.Quantity} {l.Sku ?? "(no SKU)"}"));

    private static int EnvInt(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;

    private static void Say(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine(line);
    }

    private sealed record OdooSale(int Id, string Origin, string State, string? Ref, Dictionary<string, decimal> Lines);
}
