using Npgsql;
using NpgsqlTypes;

namespace CdcBridge.Channels.Dispatch;

/// <summary>
/// What a dispatcher knows of its store, kept in the sidecar database so a restart costs no Shopify reads: SKU →
/// inventory item (with when it was looked up) and the last on_hand seen or set per item and location. A value that
/// went stale while the sidecar was down costs one CHANGE_FROM_QUANTITY_STALE and a re-read, never a wrong push.
/// </summary>
internal sealed class ShopifyStoreMemory(string connectionString, string shop)
{
    public async Task<(Dictionary<string, (long? Item, DateTimeOffset LookedUpAt)> Items, Dictionary<(long Item, long Location), int> Levels)> LoadAsync(
        CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var items = new Dictionary<string, (long?, DateTimeOffset)>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT sku, inventory_item_id, looked_up_at FROM channels.shopify_items WHERE shop_domain = $1", connection))
        {
            command.Parameters.Add(new() { Value = shop });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                items[reader.GetString(0)] = (await reader.IsDBNullAsync(1, ct) ? null : reader.GetInt64(1), await reader.GetFieldValueAsync<DateTimeOffset>(2, ct));
            }
        }

        var levels = new Dictionary<(long, long), int>();
        await using (var command = new NpgsqlCommand("SELECT inventory_item_id, location_id, on_hand FROM channels.shopify_levels WHERE shop_domain = $1", connection))
        {
            command.Parameters.Add(new() { Value = shop });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                levels[(reader.GetInt64(0), reader.GetInt64(1))] = reader.GetInt32(2);
            }
        }

        return (items, levels);
    }

    public async Task SaveItemsAsync(IReadOnlyList<(string Sku, long? Item)> items, DateTimeOffset lookedUpAt, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO channels.shopify_items (shop_domain, sku, inventory_item_id, looked_up_at)
            SELECT $1, s, i, $4 FROM unnest($2::text[], $3::bigint[]) AS u(s, i)
            ON CONFLICT (shop_domain, sku) DO UPDATE SET inventory_item_id = excluded.inventory_item_id, looked_up_at = excluded.looked_up_at
            """, connection);
        command.Parameters.Add(new() { Value = shop });
        command.Parameters.Add(new() { Value = items.Select(i => i.Sku).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = items.Select(i => i.Item).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = lookedUpAt });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A location's levels as just read: they replace everything known of that location.</summary>
    public async Task ReplaceLocationAsync(long location, IReadOnlyDictionary<long, int> levels, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var delete = new NpgsqlCommand("DELETE FROM channels.shopify_levels WHERE shop_domain = $1 AND location_id = $2", connection, tx))
        {
            delete.Parameters.Add(new() { Value = shop });
            delete.Parameters.Add(new() { Value = location });
            await delete.ExecuteNonQueryAsync(ct);
        }

        await using (var upsert = Upsert(connection, tx, levels.Select(l => (l.Key, location, l.Value)).ToList()))
        {
            await upsert.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>Deletes the outbox rows a push (or a value Shopify already held) covered, for each (SKU, location) every row up to the newest one, and records the levels Shopify accepted, in one transaction.</summary>
    public async Task CompleteAsync(IReadOnlyList<(string Sku, long Location, long NewestId)> rows, IReadOnlyList<(long Item, long Location, int OnHand)> set,
        CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (rows.Count > 0)
        {
            await using var delete = new NpgsqlCommand(
                """
                DELETE FROM channels.shopify_outbox o
                USING unnest($2::text[], $3::bigint[], $4::bigint[]) AS d(sku, location_id, newest)
                WHERE o.shop_domain = $1 AND o.sku = d.sku AND o.location_id = d.location_id AND o.id <= d.newest
                """, connection, tx);
            delete.Parameters.Add(new() { Value = shop });
            delete.Parameters.Add(new() { Value = rows.Select(r => r.Sku).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            delete.Parameters.Add(new() { Value = rows.Select(r => r.Location).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            delete.Parameters.Add(new() { Value = rows.Select(r => r.NewestId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            await delete.ExecuteNonQueryAsync(ct);
        }

        if (set.Count > 0)
        {
            await using var upsert = Upsert(connection, tx, set);
            await upsert.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    private NpgsqlCommand Upsert(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<(long Item, long Location, int OnHand)> levels)
    {
        var command = new NpgsqlCommand(
            """
            INSERT INTO channels.shopify_levels (shop_domain, inventory_item_id, location_id, on_hand, seen_at)
            SELECT $1, i, l, q, now() FROM unnest($2::bigint[], $3::bigint[], $4::int[]) AS u(i, l, q)
            ON CONFLICT (shop_domain, inventory_item_id, location_id) DO UPDATE SET on_hand = excluded.on_hand, seen_at = excluded.seen_at
            """, connection, tx);
        command.Parameters.Add(new() { Value = shop });
        command.Parameters.Add(new() { Value = levels.Select(l => l.Item).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = levels.Select(l => l.Location).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = levels.Select(l => l.OnHand).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        return command;
    }
}
