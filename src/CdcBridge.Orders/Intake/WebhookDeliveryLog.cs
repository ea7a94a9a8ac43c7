using CdcBridge.Projections;
using Confluent.Kafka;
using Npgsql;

namespace CdcBridge.Orders.Intake;

/// <summary>
/// The webhook ids the receiver put on the intake topic (orders.webhook_deliveries in the sidecar database), and the
/// protocol that makes a delivery land once however often Shopify sends it (at-least-once, with retries).
/// </summary>
public static class WebhookDeliveryLog
{
    /// <summary>The advisory lock (one-bigint key space) that serializes the Orders room's DDL.</summary>
    public const long SchemaLock = 727274004;

    // Two-int advisory keys (their own key space, apart from SchemaLock's): this class and the webhook id's hash.
    private const int DeliveryLockClass = 727274005;

    private const string Ddl = """
        CREATE SCHEMA IF NOT EXISTS orders;
        CREATE TABLE IF NOT EXISTS orders.webhook_deliveries (
            webhook_id text PRIMARY KEY,
            shop_domain text NOT NULL,
            topic text NOT NULL,
            order_id bigint NOT NULL,
            received_at timestamptz NOT NULL,
            kafka_partition int NOT NULL,
            kafka_offset bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS orders.parked_webhooks (
            webhook_id text PRIMARY KEY,
            shop_domain text NOT NULL,
            topic text NOT NULL,
            received_at timestamptz NOT NULL,
            reason text NOT NULL,
            raw_payload bytea NOT NULL);
        """;

    /// <summary>Creates the intake's tables (this log and <see cref="ParkedWebhooks"/>) when they are missing.</summary>
    public static async Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await SchemaInstaller.EnsureAsync(connection, SchemaLock, Ddl, ct);
    }

    /// <summary>The logged delivery of a webhook id, or null when it never reached the topic.</summary>
    public static async Task<LoggedDelivery?> FindAsync(NpgsqlConnection connection, string webhookId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT webhook_id, shop_domain, topic, order_id, received_at, kafka_partition, kafka_offset
            FROM orders.webhook_deliveries WHERE webhook_id = $1
            """, connection);
        command.Parameters.Add(new() { Value = webhookId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new LoggedDelivery(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3),
                reader.GetDateTime(4), reader.GetInt32(5), reader.GetInt64(6))
            : null;
    }

    public static async Task<long> CountAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orders.webhook_deliveries", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// One delivery, exactly once onto the topic: in one transaction, take the webhook id's advisory lock (concurrent
    /// duplicates wait here); if the id is logged it is a duplicate and nothing is produced; else produce, wait for
    /// Kafka's ack, log the id with the record's offset and commit. A Kafka failure rolls back: nothing is logged, so
    /// Shopify's retry goes through.
    /// <para>
    /// A crash (or lost database) between the ack and the commit leaves the record on the topic unlogged, and the retry
    /// produces it again: one duplicate on the topic, which the idempotent writer downstream absorbs.
    /// </para>
    /// </summary>
    /// <param name="produce">Produces the record and returns where it landed; not cancelled once started (see the receiver).</param>
    internal static async Task<TopicPartitionOffset?> RecordOnceAsync(
        NpgsqlDataSource database,
        WebhookDelivery delivery,
        long orderId,
        Func<Task<TopicPartitionOffset>> produce,
        CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, hashtext($2))", connection, tx))
        {
            lockCommand.Parameters.Add(new() { Value = DeliveryLockClass });
            lockCommand.Parameters.Add(new() { Value = delivery.WebhookId });
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        // Read committed: this statement's snapshot is taken after the lock, so it sees a concurrent duplicate's commit.
        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM orders.webhook_deliveries WHERE webhook_id = $1)", connection, tx))
        {
            exists.Parameters.Add(new() { Value = delivery.WebhookId });
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                return null;
            }
        }

        var landed = await produce();
        // From here on the record is on the topic: finish logging it even if the caller has gone.
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO orders.webhook_deliveries (webhook_id, shop_domain, topic, order_id, received_at, kafka_partition, kafka_offset)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, connection, tx))
        {
            insert.Parameters.Add(new() { Value = delivery.WebhookId });
            insert.Parameters.Add(new() { Value = delivery.ShopDomain });
            insert.Parameters.Add(new() { Value = delivery.Topic });
            insert.Parameters.Add(new() { Value = orderId });
            insert.Parameters.Add(new() { Value = delivery.ReceivedAt });
            insert.Parameters.Add(new() { Value = landed.Partition.Value });
            insert.Parameters.Add(new() { Value = landed.Offset.Value });
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
        }

        await tx.CommitAsync(CancellationToken.None);
        return landed;
    }
}

/// <summary>A row of orders.webhook_deliveries: where an accepted delivery's record landed.</summary>
public sealed record LoggedDelivery(
    string WebhookId,
    string ShopDomain,
    string Topic,
    long OrderId,
    DateTime ReceivedAt,
    int KafkaPartition,
    long KafkaOffset);
