using System.Globalization;
using CdcBridge.DevStack.Shopify;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CdcBridge.DevStack.Demo;

/// <summary>
/// The demo traffic of <c>make run</c> (never of <c>make up</c>): stock changes in the odoo database written as Odoo
/// writes them, one transaction each — receipts (quant quantity up), reservations (a confirmed delivery move gets move
/// lines and the quant's reserved quantity), deliveries (an assigned move is done: quant quantity and reservation down)
/// — and shoppers' orders in the Shopify simulator. The live view then shows the sidecar following them.
/// </summary>
public sealed partial class DemoWorkload : IAsyncDisposable
{
    private readonly string _odoo;
    private readonly ShopifySimulator? _shopify;
    private readonly double _perSecond;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _receipts;
    private long _reservations;
    private long _deliveries;
    private long _orders;
    private long _odooOrders;

    public DemoWorkload(string odooConnectionString, ShopifySimulator? shopify, double changesPerSecond, ILogger logger, int seed = 7)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(changesPerSecond);
        _odoo = odooConnectionString;
        _shopify = shopify;
        _perSecond = changesPerSecond;
        _logger = logger;
        _random = new Random(seed);
    }

    public DemoCounts Counts => new(Interlocked.Read(ref _receipts), Interlocked.Read(ref _odooOrders), Interlocked.Read(ref _reservations),
        Interlocked.Read(ref _deliveries), Interlocked.Read(ref _orders));

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>One step of the mix; public so tests can drive the workload without its timer.</summary>
    public async Task<DemoStep> StepAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_odoo);
        await connection.OpenAsync(ct);
        var roll = _random.NextDouble();
        if (roll < 0.2 && _shopify is not null && PlaceOrder())
        {
            Interlocked.Increment(ref _orders);
            return DemoStep.ShopifyOrder;
        }

        if (roll < 0.3 && await OrderInOdooAsync(connection, ct))
        {
            Interlocked.Increment(ref _odooOrders);
            return DemoStep.OdooOrder;
        }

        if (roll < 0.5 && await ReserveAsync(connection, ct))
        {
            Interlocked.Increment(ref _reservations);
            return DemoStep.Reservation;
        }

        if (roll < 0.7 && await DeliverAsync(connection, ct))
        {
            Interlocked.Increment(ref _deliveries);
            return DemoStep.Delivery;
        }

        if (await ReceiveAsync(connection, ct))
        {
            Interlocked.Increment(ref _receipts);
            return DemoStep.Receipt;
        }

        return DemoStep.Nothing;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / _perSecond));
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await StepAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or ShopifySimulatorException or InvalidOperationException)
            {
                // Demo traffic only: a failed step (a serialization conflict, the stack stopping) is skipped, not retried.
                LogStepFailed(_logger, e.Message);
            }
        }
    }

    /// <summary>
    /// A receipt of 1–12 units onto a quant in a warehouse's stock; half of them for a product a delivery is waiting for,
    /// as purchasing would, so reservations follow.
    /// </summary>
    private async Task<bool> ReceiveAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string Waiting = """
            SELECT q.id FROM stock_move m
            JOIN stock_location src ON src.id = m.location_id
            JOIN stock_location ql ON ql.parent_path LIKE src.parent_path || '%' AND ql.usage = 'internal'
            JOIN stock_quant q ON q.location_id = ql.id AND q.product_id = m.product_id
            WHERE m.state IN ('confirmed', 'partially_available') AND m.procure_method = 'make_to_stock'
            ORDER BY random() LIMIT 1
            """;
        const string Anything = """
            SELECT q.id FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
            WHERE l.usage = 'internal' AND l.warehouse_id IS NOT NULL ORDER BY random() LIMIT 1
            """;
        var quantity = (decimal)_random.Next(1, 13);
        foreach (var choice in _random.NextDouble() < 0.5 ? [Waiting, Anything] : new[] { Anything })
        {
            await using var command = new NpgsqlCommand(
                $"UPDATE stock_quant SET quantity = quantity + $1, write_date = now() AT TIME ZONE 'UTC' WHERE id = ({choice})", connection)
            { Parameters = { new() { Value = quantity } } };
            if (await command.ExecuteNonQueryAsync(ct) == 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Another channel's order (a phone or B2B order keyed into Odoo): a confirmed sale order with one line and its
    /// delivery move from a warehouse's stock to the customer, not reserved yet (demand until Odoo reserves it).
    /// </summary>
    private async Task<bool> OrderInOdooAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            WITH pick AS (
                SELECT pp.id AS product_id, pt.uom_id, pt.list_price, pp.default_code, w.id AS warehouse_id, w.lot_stock_id, w.out_type_id,
                       (SELECT p.id FROM res_partner p WHERE p.customer_rank > 0 ORDER BY random() LIMIT 1) AS partner_id
                FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
                JOIN stock_quant q ON q.product_id = pp.id
                JOIN stock_location l ON l.id = q.location_id
                JOIN stock_warehouse w ON l.parent_path LIKE (SELECT parent_path FROM stock_location WHERE id = w.lot_stock_id) || '%'
                WHERE pt.type = 'product' AND pp.active AND q.quantity > 0
                ORDER BY random() LIMIT 1),
            so AS (
                INSERT INTO sale_order (name, company_id, partner_id, state, date_order, partner_invoice_id, partner_shipping_id, picking_policy,
                    warehouse_id, currency_id, origin, create_date, write_date)
                SELECT 'DEMO/' || nextval('sale_order_id_seq'), 1, coalesce(partner_id, 1), 'sale', now() AT TIME ZONE 'UTC', coalesce(partner_id, 1),
                    coalesce(partner_id, 1), 'direct', warehouse_id, 1, 'phone', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                FROM pick RETURNING id, name, partner_id),
            line AS (
                INSERT INTO sale_order_line (order_id, sequence, company_id, currency_id, order_partner_id, state, product_id, name, product_uom_qty,
                    product_uom, price_unit, customer_lead, create_date, write_date)
                SELECT so.id, 10, 1, 1, so.partner_id, 'sale', pick.product_id, coalesce(pick.default_code, 'demo'), $1, pick.uom_id,
                    coalesce(pick.list_price, 0), 0, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                FROM so, pick RETURNING id)
            INSERT INTO stock_move (name, sequence, priority, date, company_id, product_id, product_qty, product_uom_qty, product_uom, location_id,
                location_dest_id, partner_id, state, picked, origin, procure_method, scrapped, propagate_cancel, picking_type_id, is_inventory,
                warehouse_id, quantity, additional, reference, sale_line_id, create_date, write_date)
            SELECT coalesce(pick.default_code, 'demo'), 10, '0', now() AT TIME ZONE 'UTC', 1, pick.product_id, $1, $1, pick.uom_id, pick.lot_stock_id,
                $2, so.partner_id, 'confirmed', false, so.name, 'make_to_stock', false, true, pick.out_type_id, false,
                pick.warehouse_id, 0, false, so.name, line.id, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
            FROM so, pick, line
            """, connection, tx)
        {
            Parameters = { new() { Value = (decimal)_random.Next(1, 4) }, new() { Value = Odoo.RetailerSeed.CustomersLocationId } },
        };
        var created = await command.ExecuteNonQueryAsync(ct) == 1;
        await tx.CommitAsync(ct);
        return created;
    }

    /// <summary>Reserves what is free for a confirmed make-to-stock delivery move, as Odoo's action_assign does.</summary>
    private static async Task<bool> ReserveAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var pick = new NpgsqlCommand(
            """
            SELECT m.id, m.product_id, m.product_uom_qty - m.quantity, q.id, q.location_id, q.lot_id, q.package_id,
                   q.quantity - q.reserved_quantity, m.picking_id, m.location_dest_id, m.reference, m.state
            FROM stock_move m
            JOIN stock_location src ON src.id = m.location_id
            JOIN stock_location ql ON ql.parent_path LIKE src.parent_path || '%'
            JOIN stock_quant q ON q.location_id = ql.id AND q.product_id = m.product_id AND q.quantity > q.reserved_quantity
            WHERE m.state IN ('confirmed', 'partially_available') AND m.procure_method = 'make_to_stock' AND m.product_uom_qty > m.quantity
            ORDER BY random() LIMIT 1
            FOR UPDATE OF m, q
            """, connection, tx);
        long moveId, productId, quantId, locationId, destination;
        int? picking;
        long? lot, package;
        decimal missing, free;
        string reference;
        await using (var reader = await pick.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return false;
            }

            (moveId, productId, missing, quantId, locationId) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetDecimal(2), reader.GetInt32(3), reader.GetInt32(4));
            lot = await reader.IsDBNullAsync(5, ct) ? null : reader.GetInt32(5);
            package = await reader.IsDBNullAsync(6, ct) ? null : reader.GetInt32(6);
            free = reader.GetDecimal(7);
            picking = await reader.IsDBNullAsync(8, ct) ? null : reader.GetInt32(8);
            destination = reader.GetInt32(9);
            reference = await reader.IsDBNullAsync(10, ct) ? "" : reader.GetString(10);
        }

        var take = Math.Min(missing, free);
        var state = take >= missing ? "assigned" : "partially_available";
        await using var batch = new NpgsqlBatch(connection, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("UPDATE stock_quant SET reserved_quantity = reserved_quantity + $1, write_date = now() AT TIME ZONE 'UTC' WHERE id = $2")
                {
                    Parameters = { new() { Value = take }, new() { Value = (int)quantId } },
                },
                new NpgsqlBatchCommand("UPDATE stock_move SET quantity = quantity + $1, state = $2, write_date = now() AT TIME ZONE 'UTC' WHERE id = $3")
                {
                    Parameters = { new() { Value = take }, new() { Value = state }, new() { Value = (int)moveId } },
                },
                new NpgsqlBatchCommand(
                    """
                    INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, product_category_name, quantity,
                        quantity_product_uom, picked, package_id, lot_id, date, location_id, location_dest_id, state, reference, create_date, write_date)
                    SELECT $1, $2, 1, $3, m.product_uom, 'All / Saleable', $4, $4, false, $5, $6, now() AT TIME ZONE 'UTC', $7, $8, $9, $10,
                        now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                    FROM stock_move m WHERE m.id = $2
                    """)
                {
                    Parameters =
                    {
                        new() { Value = picking is { } pk ? pk : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer }, new() { Value = (int)moveId }, new() { Value = (int)productId }, new() { Value = take },
                        new() { Value = package is { } p ? (int)p : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer },
                        new() { Value = lot is { } l ? (int)l : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer },
                        new() { Value = (int)locationId }, new() { Value = (int)destination }, new() { Value = state }, new() { Value = reference },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Validates an assigned delivery move: its reserved units leave the quants (quantity and reservation down).</summary>
    private static async Task<bool> DeliverAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var pick = new NpgsqlCommand(
            "SELECT id FROM stock_move WHERE state = 'assigned' AND procure_method = 'make_to_stock' ORDER BY random() LIMIT 1 FOR UPDATE", connection, tx);
        if (await pick.ExecuteScalarAsync(ct) is not int moveId)
        {
            return false;
        }

        // Each line's units leave the quants of its (product, location, lot, package), reserved ones first; Odoo keeps
        // duplicate quants of one key, so one line may draw on several.
        var lines = new List<(int Product, int Location, int? Lot, int? Package, decimal Quantity)>();
        await using (var read = new NpgsqlCommand(
            "SELECT product_id, location_id, lot_id, package_id, quantity FROM stock_move_line WHERE move_id = $1 AND state <> 'done'", connection, tx)
        { Parameters = { new() { Value = moveId } } })
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                lines.Add((reader.GetInt32(0), reader.GetInt32(1), await reader.IsDBNullAsync(2, ct) ? null : reader.GetInt32(2),
                    await reader.IsDBNullAsync(3, ct) ? null : reader.GetInt32(3), reader.GetDecimal(4)));
            }
        }

        foreach (var line in lines)
        {
            await using var take = new NpgsqlCommand(
                """
                WITH quants AS (
                    SELECT id, sum(reserved_quantity) OVER (ORDER BY reserved_quantity DESC, id) - reserved_quantity AS before
                    FROM stock_quant WHERE product_id = $1 AND location_id = $2 AND lot_id IS NOT DISTINCT FROM $3 AND package_id IS NOT DISTINCT FROM $4
                      AND owner_id IS NULL AND reserved_quantity > 0)
                UPDATE stock_quant q SET reserved_quantity = q.reserved_quantity - least(q.reserved_quantity, $5 - quants.before),
                    quantity = q.quantity - least(q.reserved_quantity, $5 - quants.before), write_date = now() AT TIME ZONE 'UTC'
                FROM quants WHERE q.id = quants.id AND quants.before < $5
                """, connection, tx)
            {
                Parameters =
                {
                    new() { Value = line.Product }, new() { Value = line.Location },
                    new() { Value = line.Lot is { } lot ? lot : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer },
                    new() { Value = line.Package is { } package ? package : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer },
                    new() { Value = line.Quantity },
                },
            };
            await take.ExecuteNonQueryAsync(ct);
        }

        await using var batch = new NpgsqlBatch(connection, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("UPDATE stock_move_line SET state = 'done', picked = true, write_date = now() AT TIME ZONE 'UTC' WHERE move_id = $1")
                {
                    Parameters = { new() { Value = moveId } },
                },
                new NpgsqlBatchCommand("UPDATE stock_move SET state = 'done', picked = true, date = now() AT TIME ZONE 'UTC', write_date = now() AT TIME ZONE 'UTC' WHERE id = $1")
                {
                    Parameters = { new() { Value = moveId } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>A shopper buys 1–2 units of something the store shows as available.</summary>
    private bool PlaceOrder()
    {
        var sellable = _shopify!.Inventory().Where(r => r.Available > 2).ToList();
        if (sellable.Count == 0)
        {
            return false;
        }

        var row = sellable[_random.Next(sellable.Count)];
        var email = string.Create(CultureInfo.InvariantCulture, $"shopper{_random.Next(1, 500)}@example.com");
        _shopify.PlaceOrder(new ShopifySimOrderRequest(email, [new ShopifySimOrderRequestLine(row.Sku, _random.Next(1, 3))], row.LocationId));
        return true;
    }

    [LoggerMessage(1, LogLevel.Debug, "Demo workload: a step failed and is skipped: {Reason}")]
    private static partial void LogStepFailed(ILogger logger, string reason);
}

public enum DemoStep
{
    Nothing,
    Receipt,
    OdooOrder,
    Reservation,
    Delivery,
    ShopifyOrder,
}

public sealed record DemoCounts(long Receipts, long OdooOrders, long Reservations, long Deliveries, long ShopifyOrders);
