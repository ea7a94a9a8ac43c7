using System.Text.Json;
using CdcBridge.Inventory.Odoo;
using CdcBridge.Projections;
using Npgsql;
using NpgsqlTypes;

namespace CdcBridge.Inventory;

/// <summary>
/// The availability projection's tables (schema <c>inventory</c>): the Odoo rows it holds, the channel orders, and the
/// last value per key. Written in the projection's batch transaction; read back into memory at start.
/// </summary>
internal static class InventoryStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Ddl = """
        CREATE SCHEMA IF NOT EXISTS inventory;
        CREATE TABLE IF NOT EXISTS inventory.odoo_rows (
            tbl text NOT NULL, id int NOT NULL, data jsonb NOT NULL, PRIMARY KEY (tbl, id));
        CREATE TABLE IF NOT EXISTS inventory.channel_orders (
            shop_domain text NOT NULL, order_id bigint NOT NULL, data jsonb NOT NULL, PRIMARY KEY (shop_domain, order_id));
        CREATE TABLE IF NOT EXISTS inventory.availability (
            shop_domain text NOT NULL, sku text NOT NULL, location_id bigint NOT NULL,
            on_hand int NOT NULL, product_id int NOT NULL, inputs jsonb NOT NULL, computed_at timestamptz NOT NULL,
            PRIMARY KEY (shop_domain, sku, location_id));
        """;

    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await SchemaInstaller.EnsureAsync(connection, 727274003, Ddl, ct);
    }

    public static async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("TRUNCATE inventory.odoo_rows, inventory.channel_orders, inventory.availability", connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task LoadAsync(NpgsqlConnection connection, InventoryState state, Dictionary<AvailabilityKey, int> last, CancellationToken ct)
    {
        await using (var command = new NpgsqlCommand("SELECT tbl, data FROM inventory.odoo_rows", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                Put(state, reader.GetString(0), reader.GetString(1));
            }
        }

        await using (var command = new NpgsqlCommand("SELECT data FROM inventory.channel_orders", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                state.Put(JsonSerializer.Deserialize<ChannelOrder>(reader.GetString(0), Json)!, out _);
            }
        }

        await using (var command = new NpgsqlCommand("SELECT shop_domain, sku, location_id, on_hand FROM inventory.availability", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                last[new AvailabilityKey(reader.GetString(0), reader.GetString(1), reader.GetInt64(2))] = reader.GetInt32(3);
            }
        }
    }

    /// <summary>Writes the rows a batch changed: upserts (value) and deletes (null) per (table, id).</summary>
    public static async Task SaveRowsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyDictionary<(string Table, int Id), object?> rows, CancellationToken ct)
    {
        var upserts = rows.Where(r => r.Value is not null).ToList();
        var deletes = rows.Where(r => r.Value is null).ToList();
        if (upserts.Count > 0)
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO inventory.odoo_rows (tbl, id, data) SELECT * FROM unnest($1::text[], $2::int[], $3::jsonb[])
                ON CONFLICT (tbl, id) DO UPDATE SET data = excluded.data
                """, connection, tx);
            command.Parameters.Add(new() { Value = upserts.Select(r => r.Key.Table).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = upserts.Select(r => r.Key.Id).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            command.Parameters.Add(new() { Value = upserts.Select(r => JsonSerializer.Serialize(r.Value, r.Value!.GetType(), Json)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            await command.ExecuteNonQueryAsync(ct);
        }

        if (deletes.Count > 0)
        {
            await using var command = new NpgsqlCommand(
                "DELETE FROM inventory.odoo_rows o USING unnest($1::text[], $2::int[]) AS d(tbl, id) WHERE o.tbl = d.tbl AND o.id = d.id", connection, tx);
            command.Parameters.Add(new() { Value = deletes.Select(r => r.Key.Table).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = deletes.Select(r => r.Key.Id).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    public static async Task TruncateTableAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string table, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("DELETE FROM inventory.odoo_rows WHERE tbl = $1", connection, tx);
        command.Parameters.Add(new() { Value = table });
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task SaveChannelOrdersAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyCollection<ChannelOrder> orders, CancellationToken ct)
    {
        if (orders.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO inventory.channel_orders (shop_domain, order_id, data) SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[])
            ON CONFLICT (shop_domain, order_id) DO UPDATE SET data = excluded.data
            """, connection, tx);
        command.Parameters.Add(new() { Value = orders.Select(o => o.ShopDomain).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = orders.Select(o => o.OrderId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = orders.Select(o => JsonSerializer.Serialize(o, Json)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task SaveAvailabilityAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<AvailabilityChange> changes, CancellationToken ct)
    {
        if (changes.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO inventory.availability (shop_domain, sku, location_id, on_hand, product_id, inputs, computed_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::int[], $6::jsonb[], $7::timestamptz[])
            ON CONFLICT (shop_domain, sku, location_id) DO UPDATE
            SET on_hand = excluded.on_hand, product_id = excluded.product_id, inputs = excluded.inputs, computed_at = excluded.computed_at
            """, connection, tx);
        command.Parameters.Add(new() { Value = changes.Select(c => c.Result.Key.ShopDomain).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = changes.Select(c => c.Result.Key.Sku).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = changes.Select(c => c.Result.Key.ShopifyLocationId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = changes.Select(c => c.Result.OnHand).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = changes.Select(c => c.Result.OdooProductId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = changes.Select(c => JsonSerializer.Serialize(c.Result.Inputs, Json)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = changes.Select(c => c.ComputedAt.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void Put(InventoryState state, string table, string json)
    {
        switch (table)
        {
            case "stock_quant":
                state.Put(JsonSerializer.Deserialize<QuantRow>(json, Json)!);
                break;
            case "stock_move":
                state.Put(JsonSerializer.Deserialize<MoveRow>(json, Json)!);
                break;
            case "stock_location":
                state.Put(JsonSerializer.Deserialize<LocationRow>(json, Json)!);
                break;
            case "stock_warehouse":
                state.Put(JsonSerializer.Deserialize<WarehouseRow>(json, Json)!);
                break;
            case "product_product":
                state.Put(JsonSerializer.Deserialize<ProductRow>(json, Json)!);
                break;
            case "product_template":
                state.Put(JsonSerializer.Deserialize<TemplateRow>(json, Json)!);
                break;
            case "sale_order":
                state.Put(JsonSerializer.Deserialize<SaleOrderRow>(json, Json)!);
                break;
            case "sale_order_line":
                state.Put(JsonSerializer.Deserialize<SaleLineRow>(json, Json)!);
                break;
            default:
                throw new InvalidDataException($"inventory.odoo_rows holds rows of an unknown table '{table}'.");
        }
    }
}
