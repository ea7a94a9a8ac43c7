using CdcBridge.Channels.Outbox;
using Npgsql;
using NpgsqlTypes;

namespace CdcBridge.Inventory;

/// <summary>
/// What the availability sidecar has set aside, for <c>cdcbridge status</c> and <c>cdcbridge replay</c>: records the
/// projection could not apply (<c>projections.parked</c>) and pushes Shopify refused for good (<c>channels.shopify_parked</c>).
/// </summary>
public static class ParkedRecords
{
    public static async Task<ParkedSummary> ReadAsync(NpgsqlConnection connection, int newest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var projection = new List<ParkedProjectionRecord>();
        var shopify = new List<ParkedShopifyPush>();
        long projectionCount = 0, shopifyCount = 0, outbox = 0;
        if (await TableExistsAsync(connection, "projections.parked", ct))
        {
            projectionCount = await CountAsync(connection, "SELECT count(*) FROM projections.parked WHERE replayed_at IS NULL", ct);
            await using var command = new NpgsqlCommand(
                "SELECT id, projector, topic, partition, record_offset, reason, parked_at FROM projections.parked WHERE replayed_at IS NULL ORDER BY id DESC LIMIT $1",
                connection)
            { Parameters = { new() { Value = newest } } };
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                projection.Add(new ParkedProjectionRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt64(4),
                    reader.GetString(5), await reader.GetFieldValueAsync<DateTimeOffset>(6, ct)));
            }
        }

        if (await TableExistsAsync(connection, "channels.shopify_parked", ct))
        {
            shopifyCount = await CountAsync(connection, "SELECT count(*) FROM channels.shopify_parked WHERE replayed_at IS NULL", ct);
            outbox = await CountAsync(connection, "SELECT count(*) FROM channels.shopify_outbox", ct);
            await using var command = new NpgsqlCommand(
                "SELECT id, shop_domain, sku, location_id, on_hand, code, reason, parked_at FROM channels.shopify_parked WHERE replayed_at IS NULL ORDER BY id DESC LIMIT $1",
                connection)
            { Parameters = { new() { Value = newest } } };
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                shopify.Add(new ParkedShopifyPush(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt32(4),
                    reader.GetString(5), reader.GetString(6), await reader.GetFieldValueAsync<DateTimeOffset>(7, ct)));
            }
        }

        return new ParkedSummary(projectionCount, projection, shopifyCount, shopify, outbox);
    }

    /// <summary>
    /// Queues parked Shopify pushes again (all of them when <paramref name="ids"/> is null), each with the value the
    /// projection holds now rather than the one refused (it may have moved since), and marks them replayed. Returns how
    /// many were queued; the dispatcher is woken by the outbox's NOTIFY.
    /// </summary>
    public static async Task<int> ReplayShopifyAsync(NpgsqlConnection connection, IReadOnlyList<long>? ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        var filter = ids is null ? "" : "AND p.id = ANY($1)";
        var replay = new NpgsqlBatchCommand(
            $"""
            WITH replayed AS (
                UPDATE channels.shopify_parked p SET replayed_at = now() WHERE p.replayed_at IS NULL {filter}
                RETURNING p.shop_domain, p.sku, p.location_id, p.on_hand)
            INSERT INTO channels.shopify_outbox (shop_domain, sku, location_id, on_hand)
            SELECT DISTINCT ON (r.shop_domain, r.sku, r.location_id) r.shop_domain, r.sku, r.location_id, coalesce(a.on_hand, r.on_hand)
            FROM replayed r LEFT JOIN inventory.availability a
              ON a.shop_domain = r.shop_domain AND a.sku = r.sku AND a.location_id = r.location_id
            """);
        if (ids is not null)
        {
            replay.Parameters.Add(new() { Value = ids.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        }

        batch.BatchCommands.Add(replay);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"NOTIFY {ShopifyOutbox.Notification}"));
        await batch.ExecuteNonQueryAsync(ct);
        var queued = replay.RecordsAffected;
        await tx.CommitAsync(ct);
        return checked((int)queued);
    }

    private static async Task<bool> TableExistsAsync(NpgsqlConnection connection, string table, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection) { Parameters = { new() { Value = table } } };
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}

public sealed record ParkedSummary(long ProjectionCount, IReadOnlyList<ParkedProjectionRecord> Projection, long ShopifyCount,
    IReadOnlyList<ParkedShopifyPush> Shopify, long OutboxDepth);

public sealed record ParkedProjectionRecord(long Id, string Projector, string Topic, int Partition, long Offset, string Reason, DateTimeOffset ParkedAt);

public sealed record ParkedShopifyPush(long Id, string ShopDomain, string Sku, long LocationId, int OnHand, string Code, string Reason, DateTimeOffset ParkedAt);
