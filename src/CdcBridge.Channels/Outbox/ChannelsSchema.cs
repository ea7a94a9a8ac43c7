using CdcBridge.Projections;
using Npgsql;

namespace CdcBridge.Channels.Outbox;

/// <summary>
/// The Channels room's tables in the sidecar database (schema <c>channels</c>): the Shopify outbox (written in the
/// projection's transaction), what the dispatcher knows of each store (SKU → inventory item, last seen on_hand), parked
/// pushes, and the analytics outbox relayed to Kafka.
/// </summary>
public static class ChannelsSchema
{
    private const string Ddl = """
        CREATE SCHEMA IF NOT EXISTS channels;
        CREATE TABLE IF NOT EXISTS channels.shopify_outbox (
            id bigserial PRIMARY KEY,
            shop_domain text NOT NULL,
            sku text NOT NULL,
            location_id bigint NOT NULL,
            on_hand int NOT NULL,
            source_committed_at timestamptz,
            enqueued_at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS shopify_outbox_shop ON channels.shopify_outbox (shop_domain, id);
        CREATE TABLE IF NOT EXISTS channels.shopify_parked (
            id bigserial PRIMARY KEY,
            shop_domain text NOT NULL,
            sku text NOT NULL,
            location_id bigint NOT NULL,
            on_hand int NOT NULL,
            code text NOT NULL,
            reason text NOT NULL,
            parked_at timestamptz NOT NULL DEFAULT now(),
            replayed_at timestamptz);
        CREATE TABLE IF NOT EXISTS channels.shopify_items (
            shop_domain text NOT NULL,
            sku text NOT NULL,
            inventory_item_id bigint,
            looked_up_at timestamptz NOT NULL,
            PRIMARY KEY (shop_domain, sku));
        CREATE TABLE IF NOT EXISTS channels.shopify_levels (
            shop_domain text NOT NULL,
            inventory_item_id bigint NOT NULL,
            location_id bigint NOT NULL,
            on_hand int NOT NULL,
            seen_at timestamptz NOT NULL,
            PRIMARY KEY (shop_domain, inventory_item_id, location_id));
        CREATE TABLE IF NOT EXISTS channels.analytics_outbox (
            id bigserial PRIMARY KEY,
            topic text NOT NULL,
            record_key bytea,
            record_value bytea,
            enqueued_at timestamptz NOT NULL DEFAULT now());
        """;

    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await SchemaInstaller.EnsureAsync(connection, 727274002, Ddl, ct);
    }

    /// <summary>Forgets every queued push and analytics record (a rebuild recomputes them all).</summary>
    public static async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "TRUNCATE channels.shopify_outbox, channels.analytics_outbox, channels.shopify_parked", connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }
}
