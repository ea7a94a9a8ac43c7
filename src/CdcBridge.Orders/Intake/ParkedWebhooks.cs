using Npgsql;

namespace CdcBridge.Orders.Intake;

/// <summary>
/// Authentic deliveries of topics the intake does not handle yet (orders.parked_webhooks, created by
/// <see cref="WebhookDeliveryLog.EnsureSchemaAsync"/>): answered 200 so Shopify stops retrying, and kept byte for byte
/// with the reason so they can be replayed when a later release handles them.
/// </summary>
public static class ParkedWebhooks
{
    /// <summary>Keeps the delivery; a retry of one already parked changes nothing. True when it was new.</summary>
    internal static async Task<bool> ParkAsync(NpgsqlConnection connection, ParkedWebhook parked, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO orders.parked_webhooks (webhook_id, shop_domain, topic, received_at, reason, raw_payload)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (webhook_id) DO NOTHING
            """, connection);
        command.Parameters.Add(new() { Value = parked.WebhookId });
        command.Parameters.Add(new() { Value = parked.ShopDomain });
        command.Parameters.Add(new() { Value = parked.Topic });
        command.Parameters.Add(new() { Value = parked.ReceivedAt });
        command.Parameters.Add(new() { Value = parked.Reason });
        command.Parameters.Add(new() { Value = parked.RawPayload.ToArray() });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The newest parked deliveries first, at most <paramref name="limit"/>.</summary>
    public static async Task<IReadOnlyList<ParkedWebhook>> ListAsync(NpgsqlConnection connection, int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT webhook_id, shop_domain, topic, received_at, reason, raw_payload
            FROM orders.parked_webhooks ORDER BY received_at DESC, webhook_id LIMIT $1
            """, connection);
        command.Parameters.Add(new() { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var parked = new List<ParkedWebhook>();
        while (await reader.ReadAsync(ct))
        {
            parked.Add(new ParkedWebhook(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDateTime(3),
                reader.GetString(4), await reader.GetFieldValueAsync<byte[]>(5, ct)));
        }

        return parked;
    }

    public static async Task<long> CountAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orders.parked_webhooks", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>A delivery kept for replay: its headers' identity, why it was parked, and the exact body (bytes, as signed).</summary>
public sealed record ParkedWebhook(string WebhookId, string ShopDomain, string Topic, DateTime ReceivedAt, string Reason, ReadOnlyMemory<byte> RawPayload);
