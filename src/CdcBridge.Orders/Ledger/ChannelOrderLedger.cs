using CdcBridge.Projections;
using Npgsql;
using NpgsqlTypes;

namespace CdcBridge.Orders.Ledger;

/// <summary>
/// <c>orders.channel_orders</c>: one row per channel order, the newest intake record (by Shopify's <c>updated_at</c>,
/// since webhooks arrive unordered) and the writer's progress. The intake projector writes it in the same transaction
/// as its consumer position; the Odoo dispatcher takes its work from it. NOTIFY wakes the dispatcher.
/// </summary>
public static class ChannelOrderLedger
{
    public const string Notification = "cdcbridge_orders_work";

    /// <summary>The advisory lock key every DDL of schema <c>orders</c> takes, so concurrent installers never race.</summary>
    public const long SchemaLockKey = Intake.WebhookDeliveryLog.SchemaLock;

    private const string Ddl = """
        CREATE SCHEMA IF NOT EXISTS orders;
        CREATE TABLE IF NOT EXISTS orders.channel_orders (
            shop_domain text NOT NULL,
            order_id bigint NOT NULL,
            name text NOT NULL,
            status text NOT NULL,
            cancelled boolean NOT NULL,
            updated_at timestamptz NOT NULL,
            received_at timestamptz NOT NULL,
            channel_created_at timestamptz,
            webhook_id text,
            record_value bytea NOT NULL,
            attempts int NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            last_error text,
            park_reason text,
            parked_at timestamptz,
            odoo_sale_order_id int,
            odoo_sale_order_name text,
            written_at timestamptz,
            PRIMARY KEY (shop_domain, order_id));
        CREATE INDEX IF NOT EXISTS channel_orders_due ON orders.channel_orders (next_attempt_at)
            WHERE status IN ('pending', 'cancel_pending');
        """;

    private const string Columns = """
        shop_domain, order_id, name, status, cancelled, updated_at, received_at, channel_created_at, webhook_id, record_value,
        attempts, last_error, park_reason, odoo_sale_order_id, odoo_sale_order_name
        """;

    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken ct) =>
        await SchemaInstaller.EnsureAsync(connection, SchemaLockKey, Ddl, ct);

    /// <summary>The rows of these orders, locked for the caller's transaction.</summary>
    public static async Task<Dictionary<(string Shop, long OrderId), LedgerEntry>> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyCollection<(string Shop, long OrderId)> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT {Columns} FROM orders.channel_orders
            WHERE (shop_domain, order_id) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))
            FOR UPDATE
            """, connection, tx);
        command.Parameters.Add(new() { Value = keys.Select(k => k.Shop).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = keys.Select(k => k.OrderId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        var rows = new Dictionary<(string, long), LedgerEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var entry = Read(reader);
            rows[(entry.ShopDomain, entry.OrderId)] = entry;
        }

        return rows;
    }

    /// <summary>Inserts or replaces an order's intake side (newest record, status, cancellation) in the caller's transaction.</summary>
    public static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LedgerEntry entry, DateTime now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO orders.channel_orders (shop_domain, order_id, name, status, cancelled, updated_at, received_at, channel_created_at,
                webhook_id, record_value, next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (shop_domain, order_id) DO UPDATE SET
                name = EXCLUDED.name, status = EXCLUDED.status, cancelled = EXCLUDED.cancelled, updated_at = EXCLUDED.updated_at,
                webhook_id = EXCLUDED.webhook_id, record_value = EXCLUDED.record_value,
                next_attempt_at = CASE WHEN orders.channel_orders.status = EXCLUDED.status THEN orders.channel_orders.next_attempt_at
                                       ELSE EXCLUDED.next_attempt_at END
            """, connection, tx);
        command.Parameters.Add(new() { Value = entry.ShopDomain });
        command.Parameters.Add(new() { Value = entry.OrderId });
        command.Parameters.Add(new() { Value = entry.Name });
        command.Parameters.Add(new() { Value = entry.Status });
        command.Parameters.Add(new() { Value = entry.Cancelled });
        command.Parameters.Add(new() { Value = entry.UpdatedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = entry.ReceivedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)entry.ChannelCreatedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)entry.WebhookId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = entry.RecordValue });
        command.Parameters.Add(new() { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var notify = new NpgsqlCommand($"NOTIFY {Notification}", connection, tx);
        await notify.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Orders the writer must act on now, oldest first, skipping those already in hand.</summary>
    public static async Task<List<LedgerEntry>> DueAsync(NpgsqlConnection connection, DateTime now, int limit, IReadOnlyCollection<string> inHand, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inHand);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT {Columns} FROM orders.channel_orders
            WHERE status IN ('pending', 'cancel_pending') AND next_attempt_at <= $1
              AND NOT (shop_domain || ':' || order_id::text = ANY($3))
            ORDER BY next_attempt_at, received_at
            LIMIT $2
            """, connection);
        command.Parameters.Add(new() { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = limit });
        command.Parameters.Add(new() { Value = inHand.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var rows = new List<LedgerEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    /// <summary>When the next waiting order falls due (a retry's backoff), or null when none waits.</summary>
    public static async Task<DateTime?> NextDueAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT min(next_attempt_at) FROM orders.channel_orders WHERE status IN ('pending', 'cancel_pending')", connection);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DateTime at ? at : null;
    }

    /// <summary>
    /// Records that Odoo holds the order. If Shopify cancelled it meanwhile (the intake saw it while the write was in
    /// flight), it goes on to <see cref="OrderStatus.CancelPending"/>. Returns the new status.
    /// </summary>
    public static async Task<string> RecordWrittenAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string shop, long orderId, int saleOrderId,
        string saleOrderName, int attempts, DateTime now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE orders.channel_orders SET
                status = CASE WHEN cancelled THEN 'cancel_pending' ELSE 'written' END,
                odoo_sale_order_id = $3, odoo_sale_order_name = $4, attempts = $5, written_at = $6, next_attempt_at = $6,
                last_error = NULL, park_reason = NULL
            WHERE shop_domain = $1 AND order_id = $2
            RETURNING status
            """, connection, tx);
        command.Parameters.Add(new() { Value = shop });
        command.Parameters.Add(new() { Value = orderId });
        command.Parameters.Add(new() { Value = saleOrderId });
        command.Parameters.Add(new() { Value = saleOrderName });
        command.Parameters.Add(new() { Value = attempts });
        command.Parameters.Add(new() { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Sets the final status of a cancellation (<see cref="OrderStatus.Cancelled"/> or <see cref="OrderStatus.Skipped"/>).</summary>
    public static async Task RecordCancelledAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string shop, long orderId, string status,
        int? saleOrderId, string? saleOrderName, int attempts, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE orders.channel_orders SET status = $3, attempts = $4, last_error = NULL, park_reason = NULL,
                odoo_sale_order_id = coalesce($5, odoo_sale_order_id), odoo_sale_order_name = coalesce($6, odoo_sale_order_name)
            WHERE shop_domain = $1 AND order_id = $2
            """, connection, tx);
        command.Parameters.Add(new() { Value = shop });
        command.Parameters.Add(new() { Value = orderId });
        command.Parameters.Add(new() { Value = status });
        command.Parameters.Add(new() { Value = attempts });
        command.Parameters.Add(new() { Value = (object?)saleOrderId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = (object?)saleOrderName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A transient failure: try again at <paramref name="nextAttemptAt"/>.</summary>
    public static async Task RecordRetryAsync(NpgsqlConnection connection, string shop, long orderId, int attempts, DateTime nextAttemptAt, string error, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE orders.channel_orders SET attempts = $3, next_attempt_at = $4, last_error = $5 WHERE shop_domain = $1 AND order_id = $2", connection);
        command.Parameters.Add(new() { Value = shop });
        command.Parameters.Add(new() { Value = orderId });
        command.Parameters.Add(new() { Value = attempts });
        command.Parameters.Add(new() { Value = nextAttemptAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = error });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A permanent failure: parked with the reason until an operator replays it. A cancellation that arrived meanwhile
    /// wins (the order is skipped, nothing to fix).
    /// </summary>
    public static async Task<string> RecordParkedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string shop, long orderId, int attempts, string reason,
        DateTime now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE orders.channel_orders SET
                status = CASE WHEN cancelled AND status = 'pending' THEN 'skipped' ELSE 'parked' END,
                attempts = $3, park_reason = $4, parked_at = $5, last_error = NULL
            WHERE shop_domain = $1 AND order_id = $2
            RETURNING status
            """, connection, tx);
        command.Parameters.Add(new() { Value = shop });
        command.Parameters.Add(new() { Value = orderId });
        command.Parameters.Add(new() { Value = attempts });
        command.Parameters.Add(new() { Value = reason });
        command.Parameters.Add(new() { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Puts parked orders back in the writer's queue (all of them, or those whose Shopify order id or name is given):
    /// a written one that was parked on cancelling goes back to cancelling. Returns how many were requeued.
    /// </summary>
    public static async Task<int> ReplayAsync(NpgsqlConnection connection, IReadOnlyCollection<string>? orders, DateTime now, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            UPDATE orders.channel_orders SET
                status = CASE WHEN odoo_sale_order_id IS NOT NULL AND cancelled THEN 'cancel_pending' ELSE 'pending' END,
                attempts = 0, next_attempt_at = $2, park_reason = NULL, parked_at = NULL
            WHERE status = 'parked' AND ($1::text[] IS NULL OR order_id::text = ANY($1) OR name = ANY($1))
            """, connection, tx);
        command.Parameters.Add(new() { Value = (object?)orders?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var count = await command.ExecuteNonQueryAsync(ct);
        await NotifyAsync(connection, tx, ct);
        await tx.CommitAsync(ct);
        return count;
    }

    /// <summary>Orders per status.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> CountsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT status, count(*) FROM orders.channel_orders GROUP BY status", connection);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>The newest parked orders with their reasons.</summary>
    public static async Task<IReadOnlyList<LedgerEntry>> ParkedAsync(NpgsqlConnection connection, int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM orders.channel_orders WHERE status = 'parked' ORDER BY parked_at DESC LIMIT $1", connection);
        command.Parameters.Add(new() { Value = limit });
        var rows = new List<LedgerEntry>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    private static LedgerEntry Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetDateTime(5), r.GetDateTime(6),
        r.IsDBNull(7) ? null : r.GetDateTime(7), r.IsDBNull(8) ? null : r.GetString(8), (byte[])r[9], r.GetInt32(10),
        r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetInt32(13),
        r.IsDBNull(14) ? null : r.GetString(14));
}
