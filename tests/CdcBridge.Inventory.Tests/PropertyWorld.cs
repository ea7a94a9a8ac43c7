using System.Globalization;
using CdcBridge.DevStack.Shopify;
using Npgsql;

namespace CdcBridge.Inventory.Tests;

/// <summary>
/// Random operations on the retailer, each done the way Odoo (or Shopify, or the webhook receiver) does it: quants
/// inserted, adjusted, duplicated, merged and unlinked in mapped and unmapped locations; moves confirmed, reserved
/// (move lines and <c>stock_quant.reserved_quantity</c>), unreserved, validated (with backorders), cancelled; channel
/// orders of this and other stores on the intake topic (created, edited, cancelled, delivered out of order) and
/// written to and confirmed in Odoo; sales in the Shopify simulator. Every choice comes from one seeded generator and
/// from Odoo's rows read in id order, never from timing, so a seed replays the same operations.
/// </summary>
internal sealed class PropertyWorld : IAsyncDisposable
{
    public const string OtherA = "other-a.myshopify.com";
    public const string OtherB = "other-b.myshopify.com";
    public const string Stranger = "stranger.myshopify.com";

    private readonly PropertyRandom _rng;
    private readonly NpgsqlConnection _db;
    private ShopifySimulator? _shopifySimulator;
    private PropertyIntake? _intakeTopic;
    private readonly List<string> _log = [];
    private readonly List<ChannelOrderModel> _orders = [];
    private readonly List<PropertyOrderVersion> _deferred = [];
    private readonly Dictionary<(string Sku, long Location), long> _committed = [];
    private readonly List<int> _bins = [];
    private List<long> _shopifyLocations = [];
    private NpgsqlTransaction? _tx;
    private CancellationToken _ct;
    private long _nextOrderId = 7_000_000_000_001;
    private int _nextSaleOrder = 1;
    private DateTime _clock = new(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc);

    private PropertyWorld(PropertyRandom rng, NpgsqlConnection db)
    {
        _rng = rng;
        _db = db;
    }

    public required Topology Places { get; init; }

    /// <summary>The products most operations work on (so that quants, moves and orders pile up on the same SKUs).</summary>
    public required IReadOnlyList<WorkProduct> Products { get; init; }

    public required IReadOnlyList<WorkProduct> AllProducts { get; init; }

    public required int Partner { get; init; }

    /// <summary>
    /// Also run the operations that reach the bugs this test found (AvailabilityPropertyTests' skipped facts): Odoo's
    /// own sales in dozens, and channel orders whose Odoo order lacks a line when it is cancelled.
    /// </summary>

    public IReadOnlyList<string> Log => _log;

    /// <summary>Units the test sold in Shopify per (SKU, Shopify location): what <c>committed</c> must be.</summary>
    public IReadOnlyDictionary<(string Sku, long Location), long> Committed => _committed;

    public int ChannelOrders => _orders.Count;

    private ShopifySimulator Shop => _shopifySimulator ?? throw new InvalidOperationException("Connect the world to the shop first.");

    private PropertyIntake Intake => _intakeTopic ?? throw new InvalidOperationException("Connect the world to the intake topic first.");

    /// <summary>The shop the sales go to and the intake topic the webhooks go to (once the pipeline runs).</summary>
    public void Connect(ShopifySimulator shopify, PropertyIntake intake)
    {
        _shopifySimulator = shopify;
        _intakeTopic = intake;
        _shopifyLocations = shopify.Inventory(Products[0].Sku).Select(r => ShopifyGid.TryParse(r.LocationId, "Location")!.Value).Order().ToList();
    }

    public static async Task<PropertyWorld> CreateAsync(PropertyRandom rng, string odoo, CancellationToken ct)
    {
        var db = new NpgsqlConnection(odoo);
        await db.OpenAsync(ct);
        async Task<int> Id(string sql)
        {
            await using var command = new NpgsqlCommand(sql, db);
            return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        async Task<List<int>> Ids(string sql)
        {
            await using var command = new NpgsqlCommand(sql, db);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var ids = new List<int>();
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt32(0));
            }

            return ids;
        }

        var whStock = await Id("SELECT lot_stock_id FROM stock_warehouse WHERE code = 'WH'");
        var places = new Topology
        {
            WhStock = whStock,
            WhShelves = await Ids($"SELECT id FROM stock_location WHERE location_id = {whStock} ORDER BY id"),
            WhOutput = await Id("SELECT id FROM stock_location WHERE complete_name = 'WH/Output'"),
            WhInput = await Id("SELECT id FROM stock_location WHERE complete_name = 'WH/Input'"),
            WhQuality = await Id("SELECT id FROM stock_location WHERE complete_name = 'WH/Quality Control'"),
            WhPacking = await Id("SELECT id FROM stock_location WHERE complete_name = 'WH/Packing Zone'"),
            AtlStock = await Id("SELECT lot_stock_id FROM stock_warehouse WHERE code = 'ATL'"),
            AtlShelves = await Ids("SELECT l.id FROM stock_location l JOIN stock_warehouse w ON l.location_id = w.lot_stock_id WHERE w.code = 'ATL' ORDER BY l.id"),
            EuStock = await Id("SELECT lot_stock_id FROM stock_warehouse WHERE code = 'EU'"),
            Customers = await Id("SELECT id FROM stock_location WHERE complete_name = 'Partners/Customers'"),
            Vendors = await Id("SELECT id FROM stock_location WHERE complete_name = 'Partners/Vendors'"),
            Scrap = await Id("SELECT id FROM stock_location WHERE complete_name = 'Virtual Locations/Scrap'"),
            Adjustment = await Id("SELECT id FROM stock_location WHERE complete_name = 'Virtual Locations/Inventory adjustment'"),
            Wh = await Id("SELECT id FROM stock_warehouse WHERE code = 'WH'"),
            Atl = await Id("SELECT id FROM stock_warehouse WHERE code = 'ATL'"),
        };

        var all = new List<WorkProduct>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT p.id, p.default_code, coalesce(array_agg(l.id ORDER BY l.id) FILTER (WHERE l.id IS NOT NULL), '{}')
            FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id LEFT JOIN stock_lot l ON l.product_id = p.id
            WHERE p.active AND t.type = 'product' AND p.default_code IS NOT NULL
            GROUP BY p.id, p.default_code ORDER BY p.id
            """, db))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                all.Add(new WorkProduct(reader.GetInt32(0), reader.GetString(1), await reader.GetFieldValueAsync<int[]>(2, ct)));
            }
        }

        // Six products: a random pick, with a lot-tracked one when the seed has any.
        var work = new List<WorkProduct>();
        var lotted = all.Where(p => p.Lots.Count > 0).ToList();
        if (lotted.Count > 0)
        {
            work.Add(rng.Pick(lotted));
        }

        while (work.Count < 6)
        {
            var candidate = rng.Pick(all);
            if (!work.Contains(candidate))
            {
                work.Add(candidate);
            }
        }

        var partner = await Id("SELECT min(id) FROM res_partner WHERE customer_rank > 0");
        return new PropertyWorld(rng, db) { Places = places, Products = work, AllProducts = all, Partner = partner };
    }

    public async ValueTask DisposeAsync() => await _db.DisposeAsync();

    /// <summary>Runs <paramref name="count"/> random operations, then delivers what the intake still holds back.</summary>
    public async Task RunAsync(int round, int count, CancellationToken ct)
    {
        _ct = ct;
        (Func<Task<string?>> Op, int Weight)[] ops =
        [
            (QuantInsertAsync, 10), (QuantAdjustAsync, 10), (QuantDuplicateAsync, 5), (QuantMergeAsync, 4), (QuantUnlinkZeroAsync, 3),
            (QuantDeleteAsync, 2), (StockCountAsync, 3), (NewDemandAsync, 10), (ReserveAsync, 12), (UnreserveAsync, 4), (ValidateAsync, 9), (CancelMoveAsync, 3),
            (ChangeDemandAsync, 2), (SimulatorSaleAsync, 12), (OtherStoreOrderAsync, 7), (ChannelOrderUpdateAsync, 6),
            (WriteChannelOrderToOdooAsync, 14), (ConfirmChannelOrderInOdooAsync, 12), (CancelChannelOrderInOdooAsync, 3), (DeliverDeferredAsync, 3),
            (DeleteQuotationAsync, 1), (NewBinAsync, 2), (MoveBinAsync, 2), (RelocateQuantAsync, 3), (DeleteDraftMoveAsync, 1),
            (DozenSaleAsync, 4), (RemoveQuotationLineAsync, 2),
        ];
        for (var i = 0; i < count; i++)
        {
            string? done = null;
            for (var attempt = 0; done is null && attempt < 20; attempt++)
            {
                var op = _rng.Weighted(ops);
                await using var tx = await _db.BeginTransactionAsync(ct);
                _tx = tx;
                done = await op();
                if (done is null)
                {
                    await tx.RollbackAsync(ct); // not applicable now: another operation
                }
                else
                {
                    await tx.CommitAsync(ct);
                }

                _tx = null;
            }

            _log.Add($"r{round}.{i:D2} {done ?? "(nothing applicable)"}");
        }

        while (_deferred.Count > 0)
        {
            await DeliverDeferredAsync();
            _log.Add($"r{round}.end delivered a held-back webhook");
        }
    }

    /// <summary>
    /// One random operation of Odoo's own, in its own transaction, for a test whose channel orders come through the real
    /// webhook intake and Odoo writer instead of this world's SQL: quants (put away, adjusted, duplicated, merged, counted,
    /// relocated), bins, Odoo's own demand, and reservations and validations of any open move of the work products, the
    /// writer's too (a validated pick of a channel order is Odoo delivering it). Moves are not cancelled here: the writer
    /// cancels the orders Shopify cancels. Like Odoo's cursor, the transaction is REPEATABLE READ: a row the Odoo writer
    /// changed meanwhile (a move it cancelled) fails the operation with a serialization failure instead of being
    /// overwritten from a stale read; that, or a deadlock, rolls the operation back and draws another. Returns the log
    /// line (also kept in <see cref="Log"/>).
    /// </summary>
    public async Task<string> OdooOperationAsync(string label, CancellationToken ct)
    {
        _ct = ct;
        (Func<Task<string?>> Op, int Weight)[] ops =
        [
            (QuantInsertAsync, 10), (QuantAdjustAsync, 8), (QuantDuplicateAsync, 3), (QuantMergeAsync, 3), (QuantUnlinkZeroAsync, 2), (StockCountAsync, 2),
            (RelocateQuantAsync, 2), (NewBinAsync, 1), (NewDemandAsync, 6), (ReserveAsync, 10), (UnreserveAsync, 2), (ValidateAsync, 10), (ChangeDemandAsync, 1),
        ];
        string? done = null;
        var rolledBack = 0;
        for (var attempt = 0; done is null && attempt < 20; attempt++)
        {
            var op = _rng.Weighted(ops);
            await using var tx = await _db.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            _tx = tx;
            try
            {
                done = await op();
                if (done is null)
                {
                    await tx.RollbackAsync(ct); // not applicable now: another operation
                }
                else
                {
                    await tx.CommitAsync(ct);
                }
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                await tx.RollbackAsync(ct);
                done = null;
                rolledBack++;
                _log.Add($"{label} (rolled back: {e.SqlState} with a concurrent transaction)");
            }
            finally
            {
                _tx = null;
            }
        }

        var line = $"{label} {done ?? "(nothing applicable)"}{(rolledBack > 0 ? $" (after {rolledBack} rolled back by a concurrent transaction)" : "")}";
        _log.Add(line);
        return line;
    }

    // ---- quants ------------------------------------------------------------------------------------------------

    private async Task<string?> QuantInsertAsync()
    {
        var product = _rng.Chance(0.85) ? _rng.Pick(Products) : _rng.Pick(AllProducts);
        var location = _bins.Count > 0 && _rng.Chance(0.2) ? _rng.Pick(_bins) : _rng.Weighted(Places.QuantPlaces);
        var quantity = _rng.Chance(0.05) ? -_rng.Quantity(5) : _rng.Quantity();
        int? lot = product.Lots.Count > 0 ? _rng.Pick(product.Lots) : null;
        int? owner = _rng.Chance(0.05) ? 1 : null;
        var id = await ScalarAsync<int>(
            """
            INSERT INTO stock_quant (product_id, company_id, location_id, lot_id, owner_id, quantity, reserved_quantity, in_date, create_date, write_date)
            VALUES ($1, 1, $2, $3::int, $4::int, $5, 0, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC') RETURNING id
            """, product.Id, location, lot, owner, quantity);
        return $"quant {id} inserted: {product.Sku} at {location} qty {quantity}";
    }

    private async Task<string?> QuantAdjustAsync()
    {
        var quants = await RowsAsync("SELECT id, coalesce(quantity, 0) FROM stock_quant WHERE product_id = ANY($1) ORDER BY id", WorkIds);
        if (quants.Count == 0)
        {
            return null;
        }

        var quant = _rng.Pick(quants);
        var quantity = _rng.Chance(0.5) ? (decimal)quant[1]! + (_rng.Next(-8, 12)) + (_rng.Chance(0.2) ? 0.5m : 0m) : _rng.Quantity();
        await ExecAsync("UPDATE stock_quant SET quantity = $2, inventory_quantity_set = false, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", quant[0], quantity);
        return $"quant {quant[0]} adjusted: {quant[1]} -> {quantity}";
    }

    /// <summary>Odoo inserts a second row for the same key when the existing one is locked by a concurrent transaction.</summary>
    private async Task<string?> QuantDuplicateAsync()
    {
        var quants = await RowsAsync("SELECT id FROM stock_quant WHERE product_id = ANY($1) ORDER BY id", WorkIds);
        if (quants.Count == 0)
        {
            return null;
        }

        var source = (int)_rng.Pick(quants)[0]!;
        var quantity = _rng.Quantity(8);
        var id = await ScalarAsync<int>(
            """
            INSERT INTO stock_quant (product_id, company_id, location_id, lot_id, package_id, owner_id, quantity, reserved_quantity, in_date, create_date, write_date)
            SELECT product_id, company_id, location_id, lot_id, package_id, owner_id, $2, 0, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
            FROM stock_quant WHERE id = $1 RETURNING id
            """, source, quantity);
        return $"quant {id} duplicates the key of {source} with qty {quantity}";
    }

    /// <summary>Odoo's _merge_quants: one row keeps the sums of its key, the others are deleted.</summary>
    private async Task<string?> QuantMergeAsync()
    {
        var groups = await RowsAsync(
            """
            SELECT array_agg(id ORDER BY id) FROM stock_quant WHERE product_id = ANY($1)
            GROUP BY product_id, location_id, lot_id, package_id, owner_id HAVING count(*) > 1 ORDER BY min(id)
            """, WorkIds);
        if (groups.Count == 0)
        {
            return null;
        }

        var ids = (int[])_rng.Pick(groups)[0]!;
        await ExecAsync(
            """
            UPDATE stock_quant SET quantity = s.q, reserved_quantity = s.r, write_date = now() AT TIME ZONE 'UTC'
            FROM (SELECT sum(coalesce(quantity, 0)) q, sum(reserved_quantity) r FROM stock_quant WHERE id = ANY($1)) s WHERE id = $2
            """, ids, ids[0]);
        await ExecAsync("DELETE FROM stock_quant WHERE id = ANY($1)", ids[1..]);
        return $"quants {string.Join(',', ids)} merged into {ids[0]}";
    }

    /// <summary>Odoo's _unlink_zero_quants.</summary>
    private async Task<string?> QuantUnlinkZeroAsync()
    {
        var deleted = await ExecAsync("DELETE FROM stock_quant WHERE product_id = ANY($1) AND quantity = 0 AND reserved_quantity = 0", WorkIds);
        return deleted == 0 ? null : $"{deleted} empty quants unlinked";
    }

    /// <summary>An inventory count applied: every quant of a product in WH's stock gets a small counted quantity (sometimes negative).</summary>
    private async Task<string?> StockCountAsync()
    {
        var product = _rng.Pick(Products);
        var quants = await RowsAsync(
            """
            SELECT q.id FROM stock_quant q, stock_location l, stock_location r
            WHERE q.product_id = $1 AND l.id = q.location_id AND r.id = $2 AND l.parent_path LIKE r.parent_path || '%' ORDER BY q.id
            """, product.Id, Places.WhStock);
        if (quants.Count == 0)
        {
            return null;
        }

        var counted = new List<string>();
        foreach (var q in quants)
        {
            var quantity = _rng.Chance(0.1) ? -_rng.Quantity(3) : _rng.Quantity(3);
            await ExecAsync("UPDATE stock_quant SET quantity = $2, inventory_quantity_set = false, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", q[0], quantity);
            counted.Add($"{q[0]}={quantity}");
        }

        return $"inventory count of {product.Sku} in WH/Stock: {string.Join(", ", counted)}";
    }

    private async Task<string?> QuantDeleteAsync()
    {
        var quants = await RowsAsync("SELECT id FROM stock_quant WHERE product_id = ANY($1) AND reserved_quantity = 0 ORDER BY id", WorkIds);
        if (quants.Count == 0)
        {
            return null;
        }

        var id = _rng.Pick(quants)[0];
        await ExecAsync("DELETE FROM stock_quant WHERE id = $1", id);
        return $"quant {id} deleted";
    }

    /// <summary>A whole package moved: Odoo rewrites its quants' location.</summary>
    private async Task<string?> RelocateQuantAsync()
    {
        var quants = await RowsAsync("SELECT id, location_id FROM stock_quant WHERE product_id = ANY($1) AND reserved_quantity = 0 ORDER BY id", WorkIds);
        if (quants.Count == 0)
        {
            return null;
        }

        var quant = _rng.Pick(quants);
        var to = _bins.Count > 0 && _rng.Chance(0.3) ? _rng.Pick(_bins) : _rng.Pick(Places.Internal);
        await ExecAsync("UPDATE stock_quant SET location_id = $2, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", quant[0], to);
        return $"quant {quant[0]} moved from {quant[1]} to {to}";
    }

    // ---- locations -----------------------------------------------------------------------------------------------

    /// <summary>A new bin (Odoo writes parent_path after the insert, in the same transaction) and a put-away into it.</summary>
    private async Task<string?> NewBinAsync()
    {
        var parent = _rng.Weighted([(Places.WhShelves[0], 3), (Places.WhStock, 2), (Places.AtlStock, 1), (Places.WhInput, 1)]);
        var name = $"Bin {_bins.Count + 1}";
        var id = await ScalarAsync<int>(
            """
            INSERT INTO stock_location (name, complete_name, active, usage, location_id, parent_path, company_id, warehouse_id, create_date, write_date)
            SELECT $2, p.complete_name || '/' || $2, true, 'internal', p.id, '', 1, p.warehouse_id, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
            FROM stock_location p WHERE p.id = $1 RETURNING id
            """, parent, name);
        await ExecAsync("UPDATE stock_location SET parent_path = (SELECT parent_path FROM stock_location WHERE id = $2) || id || '/' WHERE id = $1", id, parent);
        _bins.Add(id);
        var product = _rng.Pick(Products);
        var quantity = _rng.Quantity();
        await ExecAsync(
            """
            INSERT INTO stock_quant (product_id, company_id, location_id, lot_id, quantity, reserved_quantity, in_date, create_date, write_date)
            VALUES ($1, 1, $2, $3::int, $4, 0, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
            """, product.Id, id, product.Lots.Count > 0 ? product.Lots[0] : null, quantity);
        return $"bin {id} created under {parent} with {quantity} {product.Sku}";
    }

    /// <summary>A bin re-parented with its stock (Odoo's _parent_store_update rewrites parent_path).</summary>
    private async Task<string?> MoveBinAsync()
    {
        if (_bins.Count == 0)
        {
            return null;
        }

        var bin = _rng.Pick(_bins);
        var parent = _rng.Pick([Places.WhShelves[^1], Places.WhStock, Places.AtlStock, Places.WhOutput, Places.WhInput]);
        await ExecAsync(
            """
            UPDATE stock_location b SET location_id = p.id, parent_path = p.parent_path || b.id || '/', complete_name = p.complete_name || '/' || b.name,
                warehouse_id = p.warehouse_id, write_date = now() AT TIME ZONE 'UTC'
            FROM stock_location p WHERE b.id = $1 AND p.id = $2
            """, bin, parent);
        return $"bin {bin} moved under {parent}";
    }

    // ---- moves ---------------------------------------------------------------------------------------------------

    /// <summary>Demand Odoo creates: its own sales (pick + ship in WH, one step in ATL), internal transfers, scrap, receipts.</summary>
    private async Task<string?> NewDemandAsync()
    {
        var product = _rng.Pick(Products);
        var demand = _rng.Demand();
        var kind = _rng.Weighted<string>([("wh-sale", 4), ("atl-sale", 2), ("pos", 1), ("to-shelf", 1), ("shelf-to-output", 1), ("scrap", 1), ("input-to-stock", 1), ("receipt", 1), ("draft", 1)]);
        var p = Places;
        var state = _rng.Chance(0.1) ? "waiting" : "confirmed";
        int move;
        switch (kind)
        {
            case "wh-sale" or "pos":
                {
                    var line = await OdooSaleAsync(kind == "pos" ? "POS/" + _nextSaleOrder : null, p.Wh, product, demand);
                    move = await InsertMoveAsync(product, demand, p.WhStock, p.WhOutput, "confirmed", line);
                    await InsertMoveAsync(product, demand, p.WhOutput, p.Customers, "waiting", line);
                    break;
                }

            case "atl-sale":
                move = await InsertMoveAsync(product, demand, p.AtlStock, p.Customers, "confirmed", await OdooSaleAsync(null, p.Atl, product, demand));
                break;
            case "to-shelf":
                move = await InsertMoveAsync(product, demand, p.WhStock, p.WhShelves[0], state, null);
                break;
            case "shelf-to-output":
                move = await InsertMoveAsync(product, demand, p.WhShelves[^1], p.WhOutput, state, null);
                break;
            case "scrap":
                move = await InsertMoveAsync(product, demand, _rng.Pick(p.WhShelves), p.Scrap, state, null);
                break;
            case "input-to-stock":
                move = await InsertMoveAsync(product, demand, p.WhInput, p.WhStock, state, null);
                break;
            case "receipt":
                // A receipt is ready at once: its line brings the whole demand from the vendor.
                move = await InsertMoveAsync(product, demand, p.Vendors, p.WhInput, "assigned", null);
                await ExecAsync("UPDATE stock_move SET quantity = $2 WHERE id = $1", move, demand);
                await ExecAsync(
                    """
                    INSERT INTO stock_move_line (move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom, picked, date, location_id,
                        location_dest_id, state, create_date, write_date)
                    VALUES ($1, 1, $2, 1, $3, $3, false, now() AT TIME ZONE 'UTC', $4, $5, 'assigned', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
                    """, move, product.Id, demand, p.Vendors, p.WhInput);
                break;
            default:
                move = await InsertMoveAsync(product, demand, p.WhStock, p.WhOutput, "draft", null);
                break;
        }

        var reserved = kind is not ("draft" or "receipt") && _rng.Chance(0.4) ? " " + await ReserveMoveAsync(move) : "";
        return $"move {move} ({kind}) of {product.Sku} demand {demand}{reserved}";
    }

    private Task<string?> ReserveAsync() => WithMoveAsync(
        "state IN ('confirmed', 'partially_available') AND location_id IN (SELECT id FROM stock_location WHERE usage = 'internal')", ReserveMoveAsync);

    private Task<string?> UnreserveAsync() => WithMoveAsync("state IN ('assigned', 'partially_available') AND quantity > 0", async move =>
    {
        var released = await UnreserveMoveAsync(move);
        await ExecAsync("UPDATE stock_move SET quantity = 0, state = 'confirmed', write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", move);
        return $"unreserved {released} of move {move}";
    });

    private Task<string?> DeleteDraftMoveAsync() => WithMoveAsync("state = 'draft'", async move =>
    {
        await ExecAsync("DELETE FROM stock_move WHERE id = $1", move);
        return $"draft move {move} deleted";
    });

    /// <summary>Odoo's own sale in dozens (known bug: stock_move.quantity is in the move's unit, the policy subtracts it from product_qty in units).</summary>
    private async Task<string?> DozenSaleAsync()
    {
        var product = _rng.Pick(Products);
        var dozens = _rng.Next(1, 3);
        var order = await InsertSaleOrderAsync(null, null, "sale", Places.Wh);
        var line = await InsertSaleLineAsync(order, product, dozens, "sale", uom: 2);
        var move = await InsertMoveAsync(product, dozens * 12, Places.WhStock, Places.WhOutput, "confirmed", line, uomQuantity: dozens, uom: 2);
        await InsertMoveAsync(product, dozens * 12, Places.WhOutput, Places.Customers, "waiting", line, uomQuantity: dozens, uom: 2);
        var reserved = _rng.Chance(0.7) ? " " + await ReserveMoveAsync(move) : "";
        return $"move {move} (sale in dozens) of {product.Sku}: {dozens} dozen{reserved}";
    }

    private Task<string?> CancelMoveAsync() => WithMoveAsync("state NOT IN ('done', 'cancel')", async move =>
    {
        await CancelMovesAsync([move]);
        return $"cancelled move {move}";
    });

    /// <summary>A user edits the demand of a confirmed move; its state follows its reservation.</summary>
    private Task<string?> ChangeDemandAsync() => WithMoveAsync("product_uom = 1 AND state IN ('confirmed', 'partially_available', 'assigned', 'waiting')", async move =>
    {
        var demand = _rng.Demand();
        await ExecAsync(
            """
            UPDATE stock_move SET product_uom_qty = $2, product_qty = $2, write_date = now() AT TIME ZONE 'UTC',
                state = CASE WHEN state = 'waiting' THEN 'waiting' WHEN quantity >= $2 THEN 'assigned' WHEN quantity > 0 THEN 'partially_available' ELSE 'confirmed' END
            WHERE id = $1
            """, move, demand);
        return $"demand of move {move} set to {demand}";
    });

    /// <summary>button_validate: the reserved lines are done, a shortfall goes to a backorder, the chained move becomes ready.</summary>
    private Task<string?> ValidateAsync() => WithMoveAsync("state IN ('assigned', 'partially_available') AND quantity > 0", async move =>
    {
        var m = (await RowsAsync(
            "SELECT product_id, location_id, location_dest_id, coalesce(product_qty, product_uom_qty), quantity, sale_line_id, product_uom FROM stock_move WHERE id = $1", move))[0];
        var (productId, destination, demand, quantity, saleLine) = ((int)m[0]!, (int)m[2]!, (decimal)m[3]!, (decimal)m[4]!, (int?)m[5]);
        var perUnit = (int)m[6]! == 2 ? 12m : 1m;
        quantity *= perUnit;
        var sourceInternal = await ScalarAsync<bool>("SELECT usage = 'internal' FROM stock_location WHERE id = $1", (int)m[1]!);
        var destinationInternal = await ScalarAsync<bool>("SELECT usage = 'internal' FROM stock_location WHERE id = $1", destination);
        foreach (var line in await RowsAsync(
            "SELECT id, location_id, lot_id, package_id, owner_id, quantity_product_uom FROM stock_move_line WHERE move_id = $1 AND state <> 'done' ORDER BY id", move))
        {
            var (lineId, location, lot, package, owner, qty) = ((int)line[0]!, (int)line[1]!, (int?)line[2], (int?)line[3], (int?)line[4], (decimal)line[5]!);
            if (sourceInternal)
            {
                await ReleaseReservationAsync(productId, location, lot, package, owner, qty);
                await TakeQuantityAsync(productId, location, lot, package, owner, qty);
            }

            if (destinationInternal)
            {
                var updated = await ExecAsync(
                    """
                    UPDATE stock_quant SET quantity = quantity + $5, write_date = now() AT TIME ZONE 'UTC'
                    WHERE id = (SELECT min(id) FROM stock_quant WHERE product_id = $1 AND location_id = $2 AND lot_id IS NOT DISTINCT FROM $3::int
                                AND package_id IS NULL AND owner_id IS NOT DISTINCT FROM $4::int)
                    """, productId, destination, lot, owner, qty);
                if (updated == 0)
                {
                    await ExecAsync(
                        """
                        INSERT INTO stock_quant (product_id, company_id, location_id, lot_id, owner_id, quantity, reserved_quantity, in_date, create_date, write_date)
                        VALUES ($1, 1, $2, $3::int, $4::int, $5, 0, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
                        """, productId, destination, lot, owner, qty);
                }
            }

            await ExecAsync("UPDATE stock_move_line SET state = 'done', picked = true, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", lineId);
        }

        var backorder = "";
        if (quantity < demand)
        {
            var rest = await ScalarAsync<int>(
                """
                INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, location_id, location_dest_id, state,
                    procure_method, quantity, sale_line_id, picked, origin, reference, warehouse_id, create_date, write_date)
                SELECT name, date, company_id, product_id, $2, $2 / $3, product_uom, location_id, location_dest_id, 'confirmed', procure_method, 0, sale_line_id,
                    false, origin, reference, warehouse_id, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                FROM stock_move WHERE id = $1 RETURNING id
                """, move, demand - quantity, perUnit);
            backorder = $", backorder {rest} of {demand - quantity}";
        }

        await ExecAsync(
            "UPDATE stock_move SET state = 'done', picked = true, product_qty = quantity * $2, product_uom_qty = quantity, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1",
            move, perUnit);
        if (saleLine is not null && destination == Places.WhOutput)
        {
            await ExecAsync("UPDATE stock_move SET state = 'confirmed', write_date = now() AT TIME ZONE 'UTC' WHERE sale_line_id = $1 AND location_id = $2 AND state = 'waiting'",
                saleLine, Places.WhOutput);
        }

        if (_rng.Chance(0.5))
        {
            await ExecAsync("DELETE FROM stock_quant WHERE product_id = $1 AND quantity = 0 AND reserved_quantity = 0", productId);
        }

        return $"validated move {move}: {quantity} of {demand} to {destination}{backorder}";
    });

    private async Task<string?> WithMoveAsync(string condition, Func<int, Task<string>> act)
    {
        var moves = await RowsAsync($"SELECT id FROM stock_move WHERE product_id = ANY($1) AND {condition} ORDER BY id", WorkIds);
        return moves.Count == 0 ? null : await act((int)_rng.Pick(moves)[0]!);
    }

    /// <summary>_action_assign for one move: reserve free quants of the source location's subtree, oldest first.</summary>
    private async Task<string> ReserveMoveAsync(int move)
    {
        var m = (await RowsAsync(
            "SELECT product_id, location_id, location_dest_id, coalesce(product_qty, product_uom_qty), quantity, state, product_uom FROM stock_move WHERE id = $1", move))[0];
        var (productId, source, destination, demand, quantity, state) = ((int)m[0]!, (int)m[1]!, (int)m[2]!, (decimal)m[3]!, (decimal)m[4]!, (string)m[5]!);

        // stock_move.quantity is in the move's unit (Dozens: 12 units); quants and move lines' quantity_product_uom in the product's.
        var perUnit = (int)m[6]! == 2 ? 12m : 1m;
        quantity *= perUnit;
        var need = demand - quantity;
        var quants = await RowsAsync(
            """
            SELECT id, location_id, lot_id, package_id, owner_id, coalesce(quantity, 0) - reserved_quantity FROM stock_quant
            WHERE product_id = $1 AND coalesce(quantity, 0) - reserved_quantity > 0 AND location_id IN (
                SELECT c.id FROM stock_location c, stock_location r WHERE r.id = $2 AND c.usage = 'internal' AND c.parent_path LIKE r.parent_path || '%')
            ORDER BY in_date, id
            """, productId, source);
        var taken = 0m;
        foreach (var q in quants)
        {
            if (taken >= need)
            {
                break;
            }

            var (quantId, location, lot, package, owner, free) = ((int)q[0]!, (int)q[1]!, (int?)q[2], (int?)q[3], (int?)q[4], (decimal)q[5]!);
            var take = Math.Min(free, need - taken);
            if (perUnit != 1)
            {
                take = Math.Floor(take / perUnit) * perUnit; // whole dozens only, so that both units stay exact
                if (take <= 0)
                {
                    continue;
                }
            }

            if (_rng.Chance(0.15))
            {
                // A concurrent reservation found the row locked: Odoo inserts a row with only the reservation.
                await ExecAsync(
                    """
                    INSERT INTO stock_quant (product_id, company_id, location_id, lot_id, package_id, owner_id, quantity, reserved_quantity, in_date, create_date, write_date)
                    SELECT product_id, company_id, location_id, lot_id, package_id, owner_id, 0, $2, in_date, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                    FROM stock_quant WHERE id = $1
                    """, quantId, take);
            }
            else
            {
                await ExecAsync("UPDATE stock_quant SET reserved_quantity = reserved_quantity + $2, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", quantId, take);
            }

            await ExecAsync(
                """
                INSERT INTO stock_move_line (move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom, picked, package_id, lot_id, owner_id,
                    date, location_id, location_dest_id, state, create_date, write_date)
                VALUES ($1, 1, $2, $9, $3 / $10, $3, false, $4::int, $5::int, $6::int, now() AT TIME ZONE 'UTC', $7, $8, 'assigned', now() AT TIME ZONE 'UTC',
                    now() AT TIME ZONE 'UTC')
                """, move, productId, take, package, lot, owner, location, destination, perUnit == 1 ? 1 : 2, perUnit);
            taken += take;
        }

        var total = quantity + taken;
        var newState = total >= demand ? "assigned" : total > 0 ? "partially_available" : state;
        await ExecAsync("UPDATE stock_move SET quantity = $2, state = $3, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", move, total / perUnit, newState);
        return $"reserved {taken} for move {move} ({newState})";
    }

    /// <summary>_do_unreserve: the move's lines are deleted and their quants' reservations released.</summary>
    private async Task<decimal> UnreserveMoveAsync(int move)
    {
        var released = 0m;
        foreach (var line in await RowsAsync(
            "SELECT id, product_id, location_id, lot_id, package_id, owner_id, quantity_product_uom FROM stock_move_line WHERE move_id = $1 AND state <> 'done' ORDER BY id", move))
        {
            await ReleaseReservationAsync((int)line[1]!, (int)line[2]!, (int?)line[3], (int?)line[4], (int?)line[5], (decimal)line[6]!);
            await ExecAsync("DELETE FROM stock_move_line WHERE id = $1", line[0]);
            released += (decimal)line[6]!;
        }

        return released;
    }

    /// <summary>_action_cancel: unreserve, cancel, and cancel the chained moves of the same sale line that wait for them.</summary>
    private async Task CancelMovesAsync(IEnumerable<int> moves)
    {
        foreach (var move in moves)
        {
            await UnreserveMoveAsync(move);
            var saleLine = await ScalarAsync<int?>("UPDATE stock_move SET state = 'cancel', quantity = 0, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1 RETURNING sale_line_id", move);
            if (saleLine is not null)
            {
                await ExecAsync("UPDATE stock_move SET state = 'cancel', quantity = 0, write_date = now() AT TIME ZONE 'UTC' WHERE sale_line_id = $1 AND state = 'waiting'", saleLine);
            }
        }
    }

    private async Task ReleaseReservationAsync(int product, int location, int? lot, int? package, int? owner, decimal quantity)
    {
        var left = quantity;
        foreach (var q in await RowsAsync(
            """
            SELECT id, reserved_quantity FROM stock_quant WHERE product_id = $1 AND location_id = $2 AND lot_id IS NOT DISTINCT FROM $3::int
                AND package_id IS NOT DISTINCT FROM $4::int AND owner_id IS NOT DISTINCT FROM $5::int AND reserved_quantity > 0 ORDER BY id DESC
            """, product, location, lot, package, owner))
        {
            if (left <= 0)
            {
                break;
            }

            var d = Math.Min((decimal)q[1]!, left);
            await ExecAsync("UPDATE stock_quant SET reserved_quantity = reserved_quantity - $2, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", q[0], d);
            left -= d;
        }
    }

    private async Task TakeQuantityAsync(int product, int location, int? lot, int? package, int? owner, decimal quantity)
    {
        var rows = await RowsAsync(
            """
            SELECT id, coalesce(quantity, 0) FROM stock_quant WHERE product_id = $1 AND location_id = $2 AND lot_id IS NOT DISTINCT FROM $3::int
                AND package_id IS NOT DISTINCT FROM $4::int AND owner_id IS NOT DISTINCT FROM $5::int ORDER BY id
            """, product, location, lot, package, owner);
        var left = quantity;
        foreach (var q in rows.Where(r => (decimal)r[1]! > 0))
        {
            if (left <= 0)
            {
                break;
            }

            var d = Math.Min((decimal)q[1]!, left);
            await ExecAsync("UPDATE stock_quant SET quantity = quantity - $2, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", q[0], d);
            left -= d;
        }

        if (left > 0)
        {
            // Odoo lets the quant go negative when the stock is not there.
            if (rows.Count > 0)
            {
                await ExecAsync("UPDATE stock_quant SET quantity = quantity - $2, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", rows[0][0], left);
            }
            else
            {
                await ExecAsync(
                    """
                    INSERT INTO stock_quant (product_id, company_id, location_id, lot_id, package_id, owner_id, quantity, reserved_quantity, in_date, create_date, write_date)
                    VALUES ($1, 1, $2, $3::int, $4::int, $5::int, $6, 0, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
                    """, product, location, lot, package, owner, -left);
            }
        }
    }

    /// <summary>A move of <paramref name="demand"/> units (product_qty); product_uom_qty in the move's unit.</summary>
    private async Task<int> InsertMoveAsync(WorkProduct product, decimal demand, int from, int to, string state, int? saleLine, decimal? uomQuantity = null, int uom = 1) =>
        await ScalarAsync<int>(
            """
            INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, location_id, location_dest_id, state,
                procure_method, quantity, sale_line_id, picked, origin, reference, create_date, write_date)
            VALUES ($1, now() AT TIME ZONE 'UTC', 1, $2, $3, $8, $9, $4, $5, $6, 'make_to_stock', 0, $7::int, false, 'property', 'property',
                now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC') RETURNING id
            """, product.Sku, product.Id, demand, from, to, state, saleLine, uomQuantity ?? demand, uom);

    /// <summary>A confirmed Odoo sale order (not a channel's) with one line; returns the line.</summary>
    private async Task<int> OdooSaleAsync(string? origin, int warehouse, WorkProduct product, decimal quantity)
    {
        var order = await InsertSaleOrderAsync(origin, null, "sale", warehouse);
        return await InsertSaleLineAsync(order, product, quantity, "sale");
    }

    private async Task<int> InsertSaleOrderAsync(string? origin, string? reference, string state, int warehouse) =>
        await ScalarAsync<int>(
            """
            INSERT INTO sale_order (name, company_id, partner_id, state, date_order, origin, client_order_ref, partner_invoice_id, partner_shipping_id,
                picking_policy, warehouse_id, create_date, write_date)
            VALUES ($1, 1, $2, $3, now() AT TIME ZONE 'UTC', $4::varchar, $5::varchar, $2, $2, 'direct', $6, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
            RETURNING id
            """, $"SP{_nextSaleOrder++:D5}", Partner, state, origin, reference, warehouse);

    private async Task<int> InsertSaleLineAsync(int order, WorkProduct product, decimal quantity, string state, int uom = 1) =>
        await ScalarAsync<int>(
            """
            INSERT INTO sale_order_line (order_id, company_id, product_id, name, product_uom_qty, product_uom, price_unit, customer_lead, state, create_date, write_date)
            VALUES ($1, 1, $2, $3, $4, $6, 19.9, 0, $5, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC') RETURNING id
            """, order, product.Id, product.Sku, quantity, state, uom);

    // ---- Shopify and channel orders ----------------------------------------------------------------------------

    /// <summary>A sale in the simulator (available → committed); the webhook receiver usually puts it on the intake topic.</summary>
    private async Task<string?> SimulatorSaleAsync()
    {
        var lines = OrderLines(3);
        var location = _rng.Weighted([(_shopifyLocations[0], 7), (_shopifyLocations[^1], 2), (_shopifyLocations[Math.Min(1, _shopifyLocations.Count - 1)], 1)]);
        var order = Shop.PlaceOrder(new ShopifySimOrderRequest(null, [.. lines.Select(l => new ShopifySimOrderRequestLine(l.Product.Sku, l.Quantity))],
            location.ToString(CultureInfo.InvariantCulture)));
        foreach (var line in order.Lines)
        {
            _committed[(line.Sku, order.LocationId)] = _committed.GetValueOrDefault((line.Sku, order.LocationId)) + line.Quantity;
        }

        var model = new ChannelOrderModel(Shop.ShopDomain, order.Id, order.Name, Tick(), lines, "WH");
        var published = _rng.Chance(0.85) ? ", " + await DeliverAsync(model, "ORDERS_CREATE", model.Lines, cancelled: false) : "";
        _orders.Add(model);
        return $"Shopify order {order.Name} ({order.Id}) at {order.LocationId}: {Describe(lines)}{published}";
    }

    private async Task<string?> OtherStoreOrderAsync()
    {
        var shop = _rng.Weighted([(OtherA, 6), (OtherB, 2), (Stranger, 2)]);
        var lines = OrderLines(4);
        var id = _nextOrderId++;
        var model = new ChannelOrderModel(shop, id, $"#O{id % 100000}", Tick(), lines, shop == OtherB ? "ATL" : "WH");
        _orders.Add(model);
        return $"{shop} order {id}: {Describe(lines)}, {await DeliverAsync(model, "ORDERS_CREATE", lines, cancelled: false)}";
    }

    /// <summary>orders/updated (an edit of a line's current quantity) or orders/cancelled; this store's own orders only get plain updates.</summary>
    private async Task<string?> ChannelOrderUpdateAsync()
    {
        var candidates = _orders.Where(o => o.Versions > 0 && !o.Cancelled).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var order = _rng.Pick(candidates);
        var own = order.Shop == Shop.ShopDomain; // the simulator cannot edit or cancel: Shopify's committed would have to follow
        var roll = own ? 2 : _rng.Next(4);
        var lines = order.Lines.ToList();
        if (roll == 3 && Products.FirstOrDefault(p => lines.All(l => l.Product != p)) is { } added)
        {
            // A Shopify order edit adds an item (known bug when the Odoo order, without that line, is then cancelled).
            var quantity = _rng.Next(1, 4);
            lines.Add(new OrderLine(added, quantity, quantity));
            return $"{order.Shop} order {order.OrderId} edited: {Describe(lines)}, {await DeliverAsync(order, "ORDERS_UPDATED", lines, cancelled: false)}";
        }

        if (roll == 0)
        {
            var i = _rng.Next(lines.Count);
            lines[i] = lines[i] with { Current = _rng.Next(0, lines[i].Current + 1) };
            return $"{order.Shop} order {order.OrderId} edited: {Describe(lines)}, {await DeliverAsync(order, "ORDERS_UPDATED", lines, cancelled: false)}";
        }

        if (roll == 1)
        {
            // Shopify sends orders/cancelled and orders/updated for a cancellation, with the same updated_at.
            var cancelled = await DeliverAsync(order, "ORDERS_CANCELLED", lines, cancelled: true);
            var updated = await DeliverAsync(order, "ORDERS_UPDATED", lines, cancelled: true, sameTime: true);
            return $"{order.Shop} order {order.OrderId} cancelled, {cancelled}, {updated}";
        }

        return $"{order.Shop} order {order.OrderId} updated, {await DeliverAsync(order, "ORDERS_UPDATED", lines, cancelled: false)}";
    }

    /// <summary>The Odoo writer: a quotation with origin shopify:&lt;shop&gt;:&lt;id&gt;, sometimes confirmed at once.</summary>
    private async Task<string?> WriteChannelOrderToOdooAsync()
    {
        var candidates = _orders.Where(o => o.SaleOrderId is null && o.Published > 0 && !o.Cancelled).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var order = _rng.Pick(candidates);
        order.SaleOrderId = await InsertSaleOrderAsync(ChannelOrder.OriginFor(order.Shop, order.OrderId), order.Name, "draft", order.Warehouse == "ATL" ? Places.Atl : Places.Wh);
        order.OdooState = "draft";
        foreach (var line in order.Lines.Where(l => l.Current > 0))
        {
            order.SaleLines.Add((await InsertSaleLineAsync(order.SaleOrderId.Value, line.Product, line.Current, "draft"), line.Product, line.Current));
        }

        var confirmed = _rng.Chance(0.5) ? ", " + await ConfirmAsync(order) : "";
        return $"{order.Shop} order {order.OrderId} written to Odoo as sale order {order.SaleOrderId}{confirmed}";
    }

    private async Task<string?> ConfirmChannelOrderInOdooAsync()
    {
        var candidates = _orders.Where(o => o.OdooState == "draft").ToList();
        return candidates.Count == 0 ? null : await ConfirmAsync(_rng.Pick(candidates));
    }

    /// <summary>action_confirm: pick (WH/Stock → Output) and ship (Output → Customers) in WH, one step in ATL; sometimes reserved at once.</summary>
    private async Task<string> ConfirmAsync(ChannelOrderModel order)
    {
        await ExecAsync("UPDATE sale_order SET state = 'sale', write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", order.SaleOrderId);
        await ExecAsync("UPDATE sale_order_line SET state = 'sale', write_date = now() AT TIME ZONE 'UTC' WHERE order_id = $1", order.SaleOrderId);
        order.OdooState = "sale";
        var moves = new List<int>();
        foreach (var (line, product, quantity) in order.SaleLines)
        {
            if (order.Warehouse == "ATL")
            {
                moves.Add(await InsertMoveAsync(product, quantity, Places.AtlStock, Places.Customers, "confirmed", line));
            }
            else
            {
                moves.Add(await InsertMoveAsync(product, quantity, Places.WhStock, Places.WhOutput, "confirmed", line));
                await InsertMoveAsync(product, quantity, Places.WhOutput, Places.Customers, "waiting", line);
            }
        }

        var reserved = new List<string>();
        if (_rng.Chance(0.7))
        {
            foreach (var move in moves)
            {
                reserved.Add(await ReserveMoveAsync(move));
            }
        }

        return $"sale order {order.SaleOrderId} confirmed (moves {string.Join(',', moves)}{(reserved.Count > 0 ? "; " + string.Join("; ", reserved) : "")})";
    }

    private async Task<string?> CancelChannelOrderInOdooAsync()
    {
        var candidates = _orders.Where(o => o.OdooState is "draft" or "sale").ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var order = _rng.Pick(candidates);
        var moves = await RowsAsync(
            "SELECT m.id FROM stock_move m JOIN sale_order_line l ON l.id = m.sale_line_id WHERE l.order_id = $1 AND m.state NOT IN ('done', 'cancel') ORDER BY m.id",
            order.SaleOrderId);
        await CancelMovesAsync(moves.Select(m => (int)m[0]!));
        await ExecAsync("UPDATE sale_order SET state = 'cancel', write_date = now() AT TIME ZONE 'UTC' WHERE id = $1", order.SaleOrderId);
        order.OdooState = "cancel";
        return $"sale order {order.SaleOrderId} ({order.Shop} {order.OrderId}) cancelled in Odoo ({moves.Count} open moves)";
    }

    /// <summary>A quotation deleted in Odoo (its lines go with it); the writer may write the order again.</summary>
    private async Task<string?> DeleteQuotationAsync()
    {
        var candidates = _orders.Where(o => o.OdooState == "draft").ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var order = _rng.Pick(candidates);
        var id = order.SaleOrderId;
        await ExecAsync("DELETE FROM sale_order_line WHERE order_id = $1", id);
        await ExecAsync("DELETE FROM sale_order WHERE id = $1", id);
        (order.SaleOrderId, order.OdooState) = (null, null);
        order.SaleLines.Clear();
        return $"quotation {id} ({order.Shop} {order.OrderId}) deleted";
    }

    /// <summary>An operator removes a line from a channel order's quotation (known bug when the order is then cancelled).</summary>
    private async Task<string?> RemoveQuotationLineAsync()
    {
        var candidates = _orders.Where(o => o.OdooState == "draft" && o.SaleLines.Count > 0).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var order = _rng.Pick(candidates);
        var line = _rng.Pick(order.SaleLines);
        order.SaleLines.Remove(line);
        await ExecAsync("DELETE FROM sale_order_line WHERE id = $1", line.Line);
        return $"line {line.Line} ({line.Product.Sku}) removed from quotation {order.SaleOrderId}";
    }

    /// <summary>A webhook Shopify delivered late: one of the held-back deliveries, now (after newer ones, maybe).</summary>
    private async Task<string?> DeliverDeferredAsync()
    {
        if (_deferred.Count == 0)
        {
            return null;
        }

        var version = _deferred[_rng.Next(_deferred.Count)];
        _deferred.Remove(version);
        await Intake.PublishAsync(version, _ct);
        _orders.Single(o => o.Shop == version.Shop && o.OrderId == version.OrderId).Published++;
        return $"late webhook {version.Topic} of {version.Shop} {version.OrderId} (updated {version.UpdatedAt:HH:mm:ss}) delivered";
    }

    /// <summary>A new description of the order; Shopify delivers it now or (one in four) later, after newer ones.</summary>
    private async Task<string> DeliverAsync(ChannelOrderModel order, string topic, List<OrderLine> lines, bool cancelled, bool sameTime = false)
    {
        order.Lines = lines;
        order.Cancelled = cancelled;
        order.UpdatedAt = order.Versions == 0 ? order.CreatedAt : sameTime ? order.UpdatedAt : Tick();
        var version = new PropertyOrderVersion(order.Shop, order.OrderId, order.Name, topic, order.CreatedAt, order.UpdatedAt, cancelled,
            [.. lines.Select(l => (l.Product.Sku, l.Quantity, l.Current))], order.Versions);
        order.Versions++;
        if (_rng.Chance(0.25))
        {
            _deferred.Add(version);
            return $"{topic} held back";
        }

        await Intake.PublishAsync(version, _ct);
        order.Published++;
        return $"{topic} delivered";
    }

    private List<OrderLine> OrderLines(int max)
    {
        var products = new List<WorkProduct> { _rng.Pick(Products) };
        if (_rng.Chance(0.25))
        {
            var second = _rng.Pick(Products);
            if (second != products[0])
            {
                products.Add(second);
            }
        }

        return [.. products.Select(p =>
        {
            var quantity = _rng.Next(1, max + 1);
            return new OrderLine(p, quantity, quantity);
        })];
    }

    private static string Describe(IEnumerable<OrderLine> lines) => string.Join(" + ", lines.Select(l => $"{l.Current}/{l.Quantity} {l.Product.Sku}"));

    private DateTime Tick() => _clock = _clock.AddSeconds(_rng.Next(1, 30));

    private int[] WorkIds => [.. Products.Select(p => p.Id)];

    // ---- SQL ----------------------------------------------------------------------------------------------------

    private NpgsqlCommand Command(string sql, object?[] args)
    {
        var command = new NpgsqlCommand(sql, _db, _tx);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        }

        return command;
    }

    private async Task<int> ExecAsync(string sql, params object?[] args)
    {
        await using var command = Command(sql, args);
        return await command.ExecuteNonQueryAsync(_ct);
    }

    private async Task<T> ScalarAsync<T>(string sql, params object?[] args)
    {
        await using var command = Command(sql, args);
        var value = await command.ExecuteScalarAsync(_ct);
        return value is null or DBNull ? default! : (T)value;
    }

    private async Task<List<object?[]>> RowsAsync(string sql, params object?[] args)
    {
        await using var command = Command(sql, args);
        await using var reader = await command.ExecuteReaderAsync(_ct);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(_ct))
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add([.. row.Select(v => v is DBNull ? null : v)]);
        }

        return rows;
    }

    public sealed record WorkProduct(int Id, string Sku, IReadOnlyList<int> Lots);

    public sealed record OrderLine(WorkProduct Product, int Quantity, int Current);

    /// <summary>Odoo's locations the operations use (ids read from the database).</summary>
    public sealed record Topology
    {
        public required int WhStock { get; init; }

        public required IReadOnlyList<int> WhShelves { get; init; }

        public required int WhOutput { get; init; }

        public required int WhInput { get; init; }

        public required int WhQuality { get; init; }

        public required int WhPacking { get; init; }

        public required int AtlStock { get; init; }

        public required IReadOnlyList<int> AtlShelves { get; init; }

        public required int EuStock { get; init; }

        public required int Customers { get; init; }

        public required int Vendors { get; init; }

        public required int Scrap { get; init; }

        public required int Adjustment { get; init; }

        public required int Wh { get; init; }

        public required int Atl { get; init; }

        /// <summary>Internal locations, mapped or not.</summary>
        public IReadOnlyList<int> Internal => [WhStock, .. WhShelves, WhOutput, WhInput, WhQuality, WhPacking, AtlStock, .. AtlShelves, EuStock];

        /// <summary>Where quants appear: mostly the mapped stock and its shelves, also every unmapped kind of location.</summary>
        public IReadOnlyList<(int Location, int Weight)> QuantPlaces =>
        [
            (WhStock, 30), .. WhShelves.Select(s => (s, 10)), (WhOutput, 8), (WhInput, 8), (WhQuality, 3), (WhPacking, 3), (AtlStock, 10),
            .. AtlShelves.Take(1).Select(s => (s, 5)), (EuStock, 5), (Customers, 4), (Adjustment, 2), (Scrap, 2),
        ];
    }

    private sealed class ChannelOrderModel(string shop, long orderId, string name, DateTime createdAt, List<OrderLine> lines, string warehouse)
    {
        public string Shop { get; } = shop;

        public long OrderId { get; } = orderId;

        public string Name { get; } = name;

        public DateTime CreatedAt { get; } = createdAt;

        public string Warehouse { get; } = warehouse;

        public List<OrderLine> Lines { get; set; } = lines;

        public bool Cancelled { get; set; }

        public DateTime UpdatedAt { get; set; }

        public int Versions { get; set; }

        public int Published { get; set; }

        public int? SaleOrderId { get; set; }

        public string? OdooState { get; set; }

        public List<(int Line, WorkProduct Product, int Quantity)> SaleLines { get; } = [];
    }
}
