using System.Diagnostics;
using CdcBridge.DevStack.Shopify;
using Npgsql;

namespace CdcBridge.Benchmarks.Availability;

/// <summary>
/// One (SKU, Shopify location) pair the bench moves, through one quant in the stock of the warehouse mapped to the
/// location. A change adds 1 to the quant: the pushed on_hand of a pair that is above 0 then rises by exactly 1 (no
/// other input moves), so the n-th change of a pair is visible in Shopify once its level reaches base + n.
/// </summary>
internal sealed record StockPair(int QuantId, int ProductId, string Sku, long ShopifyLocationId)
{
    public long InventoryItemId => ShopifyCatalog.InventoryItemIdBase + ProductId;
}

/// <summary>A committed stock change: the pair, its count of changes so far (this one included) and the commit's wall time.</summary>
internal readonly record struct StockCommit(int Pair, int Count, DateTime CommittedAt, bool Measured);

/// <summary>Odoo stock changes as Odoo's ORM writes them: one <c>UPDATE stock_quant</c> per committed transaction.</summary>
internal static class StockWriters
{
    private const string Update = "UPDATE stock_quant SET quantity = quantity + 1, write_date = now() AT TIME ZONE 'UTC' WHERE id = $1";

    /// <summary>
    /// Every (storable, SKU'd, active product; Shopify location) pair with a quant in the warehouse's stock location or
    /// below it (the locations availability counts), one quant per pair.
    /// </summary>
    public static async Task<List<StockPair>> PairsAsync(string odoo, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(odoo);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT DISTINCT ON (q.product_id, w.id) q.id, q.product_id, p.default_code, w.id
            FROM stock_quant q
            JOIN stock_location l ON l.id = q.location_id
            JOIN stock_warehouse w ON w.active
            JOIN stock_location s ON s.id = w.lot_stock_id
            JOIN product_product p ON p.id = q.product_id
            JOIN product_template t ON t.id = p.product_tmpl_id
            WHERE l.usage = 'internal' AND l.parent_path LIKE s.parent_path || '%'
              AND p.active AND p.default_code IS NOT NULL AND t.type = 'product' AND t.active
            ORDER BY q.product_id, w.id, q.id
            """, connection);
        var pairs = new List<StockPair>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            pairs.Add(new StockPair(reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), ShopifyCatalog.LocationIdBase + reader.GetInt32(3)));
        }

        return pairs;
    }

    /// <summary>
    /// Commits changes at a fixed rate for <paramref name="warmup"/> + <paramref name="measured"/> (change i is due at
    /// i / rate), spread over <paramref name="writers"/> connections; each pair belongs to one writer, so a pair's
    /// changes commit in order. Commits after the warm-up are marked measured. The commit time is when PostgreSQL
    /// answered the (auto-committed) UPDATE.
    /// </summary>
    public static async Task<List<StockCommit>> PacedAsync(string odoo, IReadOnlyList<StockPair> pairs, int rate, TimeSpan warmup, TimeSpan measured,
        int writers, int seed, CancellationToken ct)
    {
        var total = (long)(rate * (warmup + measured).TotalSeconds);
        var counts = new int[pairs.Count];
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = Enumerable.Range(0, pairs.Count).Where(p => p % writers == w).ToArray();
#pragma warning disable CA5394 // a reproducible mix of pairs, not security
            var random = new Random(seed + w);
            await using var connection = new NpgsqlConnection(odoo);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(Update, connection);
            var id = new NpgsqlParameter<int>();
            command.Parameters.Add(id);
            await command.PrepareAsync(ct);
            var commits = new List<StockCommit>((int)(total / writers) + 1);
            for (var i = (long)w; i < total; i += writers)
            {
                var due = TimeSpan.FromSeconds(i / (double)rate);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, ct);
                }

                var pair = mine[random.Next(mine.Length)];
#pragma warning restore CA5394
                id.TypedValue = pairs[pair].QuantId;
                await command.ExecuteNonQueryAsync(ct);
                commits.Add(new StockCommit(pair, ++counts[pair], DateTime.UtcNow, due >= warmup));
            }

            return commits;
        }, ct)).ToList();
        return [.. (await Task.WhenAll(tasks)).SelectMany(c => c).OrderBy(c => c.CommittedAt)];
    }

    /// <summary>
    /// <paramref name="changes"/> transactions sent back to back on one connection (one pipelined batch with an error
    /// barrier, i.e. a Sync, after each UPDATE: every statement is its own implicit transaction); change i moves pair
    /// i mod the number of pairs. Returns the time the burst took to commit.
    /// </summary>
    public static async Task<TimeSpan> BurstAsync(string odoo, IReadOnlyList<StockPair> pairs, int changes, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(odoo);
        await connection.OpenAsync(ct);
        await using var batch = new NpgsqlBatch(connection) { EnableErrorBarriers = true };
        for (var i = 0; i < changes; i++)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Update) { Parameters = { new NpgsqlParameter<int> { TypedValue = pairs[i % pairs.Count].QuantId } } });
        }

        var clock = Stopwatch.StartNew();
        await batch.ExecuteNonQueryAsync(ct);
        return clock.Elapsed;
    }

    /// <summary>
    /// Bulk load for the rebuild: <c>UPDATE</c>s of every quant in turn, <paramref name="perTransaction"/> rows per
    /// transaction, until at least <paramref name="changes"/> rows changed. Returns the rows changed.
    /// </summary>
    public static async Task<long> BulkAsync(string odoo, long changes, int perTransaction, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(odoo);
        await connection.OpenAsync(ct);
        int maxId;
        await using (var max = new NpgsqlCommand("SELECT max(id) FROM stock_quant", connection))
        {
            maxId = (int)(await max.ExecuteScalarAsync(ct))!;
        }

        await using var command = new NpgsqlCommand(
            "UPDATE stock_quant SET quantity = quantity + 1, write_date = now() AT TIME ZONE 'UTC' WHERE id > $1 AND id <= $2", connection);
        var from = new NpgsqlParameter<int>();
        var to = new NpgsqlParameter<int>();
        command.Parameters.Add(from);
        command.Parameters.Add(to);
        long done = 0;
        var next = 0;
        while (done < changes)
        {
            from.TypedValue = next;
            to.TypedValue = Math.Min(maxId, next + perTransaction);
            done += await command.ExecuteNonQueryAsync(ct);
            next = to.TypedValue >= maxId ? 0 : to.TypedValue;
        }

        return done;
    }
}
