using Npgsql;
using Npgsql.Replication.PgOutput;

namespace CdcBridge.Capture;

/// <summary>The initial snapshot: every captured table read inside the slot's exported snapshot, streamed to Kafka.</summary>
public sealed partial class EmbeddedCapture
{
    private async Task SnapshotAsync(PgOutputReplicationSlot slot, CancellationToken ct)
    {
        // A second connection reads every table in the slot's exported snapshot: exactly what is before the slot's
        // consistent point, so streaming continues with no gap and no overlap.
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await ExecuteAsync(connection, tx, $"SET TRANSACTION SNAPSHOT '{slot.SnapshotName}'", ct);

        long txId;
        await using (var xid = new NpgsqlCommand("SELECT txid_current()", connection, tx))
        {
            txId = (long)(await xid.ExecuteScalarAsync(ct))!;
        }

        var tables = new List<CapturedTable>();
        foreach (var name in _options.Settings.Tables)
        {
            var (schema, table) = Split(name);
            tables.Add(await LoadTableAsync(connection, schema, table, ct));
        }

        var lsn = (long)(ulong)slot.ConsistentPoint;
        var now = _options.Time.GetUtcNow().UtcDateTime;
        var fetchSize = Math.Max(1, _options.SnapshotFetchSize);

        // The slot confirms the consistent point only once Kafka has every snapshot record; their number is known
        // only at the end, so the entry is sealed then.
        var tracked = _acks.Open(slot.ConsistentPoint);
        var produced = 0;

        // source.snapshot (3.0.x): "first" on the very first record, "last" on the very last, "true" between. Which
        // row is the last is known only when no row follows it: one row is held back until the next is read.
        (CapturedTable Table, EncodedRow Row)? held = null;
        async Task ProduceHeldAsync(bool last)
        {
            var (table, row) = held!.Value;
            var marker = produced == 0 ? "first" : last ? "last" : "true";
            var source = new SourceBlock(SourceBlock.Micros(now), marker, $"[null,\"{lsn}\"]", txId, lsn);
            _acks.Expect(tracked);
            await ProduceAsync(Change(table, null, row, source, "r"), tracked, ct, _snapshotLimit.Release);
            produced++;
        }

        foreach (var table in tables)
        {
            var columns = string.Join(", ", table.Table.Columns.Select(c => $"\"{c.Name}\"::text"));
            // t."id", not "id": a bare name would sort by the output column of the same name, its text.
            var order = table.Table.PrimaryKey.Count > 0 ? " ORDER BY " + string.Join(", ", table.Table.PrimaryKey.Select(k => $"t.\"{k}\"")) : "";
            // A cursor, so a table of millions of rows is read in batches as Kafka takes them, never all at once.
            await ExecuteAsync(connection, tx, $"DECLARE cdcbridge_snapshot NO SCROLL CURSOR FOR SELECT {columns} FROM \"{table.Table.Schema}\".\"{table.Table.Name}\" AS t{order}", ct);
            int fetched;
            do
            {
                fetched = 0;
                await using var fetch = new NpgsqlCommand($"FETCH FORWARD {fetchSize} FROM cdcbridge_snapshot", connection, tx);
                await using var reader = await fetch.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    fetched++;
                    var texts = new string?[reader.FieldCount];
                    for (var i = 0; i < texts.Length; i++)
                    {
                        texts[i] = await reader.IsDBNullAsync(i, ct) ? null : reader.GetString(i);
                    }

                    var row = table.Encoder.FromTexts(texts);
                    if (held is not null)
                    {
                        await ProduceHeldAsync(last: false);
                    }

                    // Waits while the limit's worth of rows is held or unacknowledged; a failed delivery cancels the wait.
                    await _snapshotLimit.AcquireAsync(ct);
                    held = (table, row);
                }
            }
            while (fetched == fetchSize);

            await ExecuteAsync(connection, tx, "CLOSE cdcbridge_snapshot", ct);
        }

        if (held is not null)
        {
            await ProduceHeldAsync(last: true);
        }

        _acks.Seal(tracked);
        _producer.Flush(ct);
        ThrowIfFaulted();
        await tx.CommitAsync(ct);
        LogSnapshot(_logger, produced, tables.Count, slot.ConsistentPoint.ToString());
        _snapshotDone.TrySetResult();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }
}
