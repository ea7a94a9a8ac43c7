using Npgsql;
using NpgsqlTypes;

namespace CdcBridge.Channels.Outbox;

/// <summary>Appends pushes to <c>channels.shopify_outbox</c> inside the caller's (the projection's) transaction.</summary>
public static class ShopifyOutbox
{
    public const string Notification = "cdcbridge_shopify_outbox";

    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<ShopifyPush> pushes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pushes);
        if (pushes.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO channels.shopify_outbox (shop_domain, sku, location_id, on_hand, source_committed_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::timestamptz[])
            """, connection, tx);
        command.Parameters.Add(new() { Value = pushes.Select(p => p.ShopDomain).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = pushes.Select(p => p.Sku).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = pushes.Select(p => p.LocationId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = pushes.Select(p => p.OnHand).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new()
        {
            Value = pushes.Select(p => p.SourceCommittedAt is { } t ? (object)t.UtcDateTime : DBNull.Value).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
        });
        await command.ExecuteNonQueryAsync(ct);
        await using var notify = new NpgsqlCommand($"NOTIFY {Notification}", connection, tx);
        await notify.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Rows waiting per store (the outbox depth the status view shows).</summary>
    public static async Task<IReadOnlyDictionary<string, long>> DepthAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT shop_domain, count(*) FROM channels.shopify_outbox GROUP BY shop_domain", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, long>();
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = reader.GetInt64(1);
        }

        return result;
    }
}
