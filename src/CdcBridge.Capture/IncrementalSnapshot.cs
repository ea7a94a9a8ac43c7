using CdcBridge.Avro.Generic;
using CdcBridge.Debezium;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CdcBridge.Capture;

/// <summary>
/// Debezium's incremental snapshot, requested through the signal table: the named tables are read again in chunks
/// of <c>incremental.snapshot.chunk.size</c> rows in primary-key order and emitted as <c>op: r</c> with
/// <c>source.snapshot = "incremental"</c>, interleaved with streaming. Collisions are resolved with DBLog's
/// watermarks as Debezium's default <c>insert_insert</c> strategy does: a row is inserted into the signal table
/// before the chunk's SELECT (window open) and another after it (window close); while streaming is between the two,
/// a change to a key of the chunk drops that key from the chunk (the streamed change is newer or as new), and what
/// is left is emitted where the close watermark is in the stream. So the last event of every key is always its
/// latest committed value. Everything runs on the replication loop, as Debezium's does on its streaming thread.
/// </summary>
internal sealed partial class IncrementalSnapshot(
    CaptureSettings settings,
    NpgsqlConnection connection,
    AckTracker acks,
    ILogger logger,
    TimeProvider time,
    Func<string, CancellationToken, Task<CapturedTable?>> tableFor,
    Func<CapturedTable, EncodedRow, DateTime, string?, CapturedChange> read,
    Func<IncrementalChunk, CancellationToken, Task>? afterChunkRead)
{
    private readonly List<string> _queue = [];
    private readonly OrderedDictionary<string, EncodedRow> _window = new(StringComparer.Ordinal);
    private CapturedTable? _table;
    private string[]? _lastKey;
    private string[]? _maxKey;
    private bool _tableDone;
    private string? _chunkId;
    private bool _windowOpen;
    private DateTime _readAt;
    private AckTracker.Entry? _hold;
    private volatile bool _running;
    private long _chunksRead;

    public bool Running => _running;

    public long ChunksRead => Interlocked.Read(ref _chunksRead);

    /// <summary>
    /// Acts on a committed transaction in stream order: its signals (requests and watermarks) and, while a window is
    /// open, its changes to the chunk's keys. Returns what to produce: the transaction, with a closed window's rows
    /// right after its close watermark.
    /// </summary>
    public async Task<List<CapturedChange>> InterleaveAsync(List<CapturedChange> transaction, CancellationToken ct)
    {
        if (!_running && !transaction.Exists(IsSignal))
        {
            return transaction;
        }

        var output = new List<CapturedChange>(transaction.Count);
        foreach (var change in transaction)
        {
            output.Add(change);
            if (IsSignal(change))
            {
                output.AddRange(await OnSignalAsync(change, ct));
            }
            else if (_windowOpen && !change.Tombstone)
            {
                Deduplicate(change);
            }
        }

        return output;
    }

    private bool IsSignal(CapturedChange change) =>
        !change.Tombstone && change.Operation == "c" && Name(change.Table) == settings.SignalTable;

    /// <summary>A streamed change inside the window is at least as new as the chunk's read of its row: the read goes.</summary>
    private void Deduplicate(CapturedChange change)
    {
        if (_table is null || Name(change.Table) != Name(_table))
        {
            return;
        }

        if (change.Operation == "t")
        {
            _window.Clear(); // the chunk may have read rows the truncate removed
            return;
        }

        // A change's key is its row's (the old row's for a delete; a primary-key update is a delete and a create).
        if (change.KeyText is { } key)
        {
            _window.Remove(key);
        }
    }

    private async Task<IReadOnlyList<CapturedChange>> OnSignalAsync(CapturedChange change, CancellationToken ct)
    {
        var envelope = change.Envelope();
        var row = (GenericRecord)envelope["after"]!;
        var id = row["id"] as string;
        var type = row["type"] as string;
        switch (CaptureSignal.Parse(id, type, row["data"] as string))
        {
            case CaptureSignal.WindowOpen open when open.ChunkId == _chunkId:
                _windowOpen = true;
                return [];
            case CaptureSignal.WindowClose close when close.ChunkId == _chunkId:
                var closeSequence = ((GenericRecord)envelope["source"]!)["sequence"] as string;
                var reads = _window.Select(r => read(_table!, r.Value, _readAt, closeSequence)).ToList();
                _window.Clear();
                _windowOpen = false;
                _chunkId = null;
                if (_tableDone)
                {
                    LogTableDone(logger, Name(_table!));
                    _table = null;
                }

                await ReadNextChunkAsync(ct);
                return reads;
            case CaptureSignal.WindowOpen or CaptureSignal.WindowClose:
                // A watermark of a chunk that was stopped, or of a run before a restart (the slot replays it).
                LogStaleWatermark(logger, id);
                return [];
            case CaptureSignal.ExecuteSnapshot execute:
                await StartAsync(id, execute.DataCollections, ct);
                return [];
            case CaptureSignal.StopSnapshot stop:
                await StopAsync(id, stop.DataCollections, ct);
                return [];
            case CaptureSignal.Invalid invalid:
                LogIgnoredSignal(logger, id, type, invalid.Reason);
                return [];
            default:
                return [];
        }
    }

    private async Task StartAsync(string? id, IReadOnlyList<string> collections, CancellationToken ct)
    {
        var added = new List<string>();
        foreach (var name in collections)
        {
            if (name == settings.SignalTable)
            {
                LogIgnoredSignal(logger, id, "execute-snapshot", "the signal table itself is not snapshotted");
            }
            else if (await tableFor(name, ct) is not { } table)
            {
                LogIgnoredSignal(logger, id, "execute-snapshot", $"{name} is not a captured table (table.include.list)");
            }
            else if (table.Table.PrimaryKey.Count == 0)
            {
                LogIgnoredSignal(logger, id, "execute-snapshot", $"{name} has no primary key to chunk by");
            }
            else if (!_queue.Contains(name) && (_table is null || Name(_table) != name))
            {
                _queue.Add(name);
                added.Add(name);
            }
        }

        if (added.Count == 0)
        {
            return;
        }

        LogRequested(logger, id, string.Join(", ", added), settings.IncrementalSnapshotChunkSize);
        if (!_running)
        {
            // The slot is not confirmed past the request until the snapshot ends: a restart replays the request and
            // starts the snapshot again (Debezium keeps its progress in the offsets instead).
            _hold = acks.Hold();
            _running = true;
        }

        if (_chunkId is null)
        {
            await ReadNextChunkAsync(ct);
        }
    }

    private async Task StopAsync(string? id, IReadOnlyList<string> collections, CancellationToken ct)
    {
        if (!_running)
        {
            LogIgnoredSignal(logger, id, "stop-snapshot", "no incremental snapshot is running");
            return;
        }

        var all = collections.Count == 0;
        _queue.RemoveAll(n => all || collections.Contains(n));
        if (_table is not null && (all || collections.Contains(Name(_table))))
        {
            LogStopped(logger, id, Name(_table));
            _table = null;
            _window.Clear();
            _windowOpen = false;
            _chunkId = null; // its watermarks, still on their way, are stale now
        }

        if (_chunkId is null)
        {
            await ReadNextChunkAsync(ct);
        }
    }

    /// <summary>Reads the next chunk between its two watermarks, moving to the next table when one is done, or ends the snapshot.</summary>
    private async Task ReadNextChunkAsync(CancellationToken ct)
    {
        try
        {
            await TryReadNextChunkAsync(ct);
        }
        catch (PostgresException e)
        {
            // Refused by the database (no INSERT right on the signal table, a table dropped meanwhile...): the
            // snapshot ends, streaming goes on. Failing capture instead would replay the request at every restart.
            LogAbandoned(logger, e.MessageText);
            _queue.Clear();
            _table = null;
            _window.Clear();
            _windowOpen = false;
            _chunkId = null;
            Finish();
        }
    }

    private async Task TryReadNextChunkAsync(CancellationToken ct)
    {
        while (_table is null)
        {
            if (_queue.Count == 0)
            {
                Finish();
                return;
            }

            var name = _queue[0];
            _queue.RemoveAt(0);
            if (await tableFor(name, ct) is not { } table)
            {
                continue;
            }

            // Debezium's maximum key: rows inserted beyond it during the snapshot are streamed anyway.
            _maxKey = await MaxKeyAsync(table, ct);
            if (_maxKey is null)
            {
                LogTableDone(logger, name);
                continue;
            }

            _table = table;
            _lastKey = null;
            _tableDone = false;
        }

        // Debezium's chunk id is a UUID too: 36 characters + "-close" fill the signal table's varchar(42) id.
        var chunkId = Guid.NewGuid().ToString();
        _chunkId = chunkId;
        var openedAt = time.GetUtcNow();
        await WatermarkAsync(chunkId + "-open", CaptureSignal.WindowOpenType, $$"""{"openWindowTimestamp":"{{openedAt:O}}"}""", ct);
        _readAt = time.GetUtcNow().UtcDateTime;
        var keys = await ReadChunkAsync(_table, ct);
        Interlocked.Increment(ref _chunksRead);
        if (afterChunkRead is not null)
        {
            await afterChunkRead(new IncrementalChunk(Name(_table), keys), ct);
        }

        await WatermarkAsync(chunkId + "-close", CaptureSignal.WindowCloseType,
            $$"""{"openWindowTimestamp":"{{openedAt:O}}","closeWindowTimestamp":"{{time.GetUtcNow():O}}"}""", ct);
    }

    private async Task<List<string>> ReadChunkAsync(CapturedTable table, CancellationToken ct)
    {
        var t = table.Table;
        var keyColumns = t.PrimaryKey.Select(k => t.Columns.Select((c, i) => (c, i)).First(c => c.c.Name == k)).ToList();
        // t."id", not "id": in ORDER BY a bare name is the output column of the same name, its text.
        var key = "(" + string.Join(", ", keyColumns.Select(k => "t." + Quote(k.c.Name))) + ")";
        var parameters = new List<string>();
        string Bound(string[] values)
        {
            var first = parameters.Count;
            parameters.AddRange(values);
            return "(" + string.Join(", ", keyColumns.Select((k, i) => $"${first + i + 1}::{Quote(k.c.TypeName)}")) + ")";
        }

        var after = _lastKey is null ? "" : $"{key} > {Bound(_lastKey)} AND ";
        var sql = $"SELECT {string.Join(", ", t.Columns.Select(c => Quote(c.Name) + "::text"))} FROM {Quote(t.Schema)}.{Quote(t.Name)} AS t " +
            $"WHERE {after}{key} <= {Bound(_maxKey!)} ORDER BY {string.Join(", ", keyColumns.Select(k => "t." + Quote(k.c.Name)))} LIMIT {settings.IncrementalSnapshotChunkSize}";
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var keys = new List<string>();
        string?[]? last = null;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var texts = new string?[reader.FieldCount];
                for (var i = 0; i < texts.Length; i++)
                {
                    texts[i] = await reader.IsDBNullAsync(i, ct) ? null : reader.GetString(i);
                }

                var row = table.Encoder.FromTexts(texts);
                _window[row.KeyText!] = row;
                keys.Add(string.Join('\u001f', keyColumns.Select(k => texts[k.i])));
                last = texts;
            }
        }

        if (last is not null)
        {
            _lastKey = keyColumns.Select(k => last[k.i]!).ToArray();
        }

        _tableDone = keys.Count < settings.IncrementalSnapshotChunkSize || _lastKey is null || _lastKey.SequenceEqual(_maxKey!);
        return keys;
    }

    private async Task<string[]?> MaxKeyAsync(CapturedTable table, CancellationToken ct)
    {
        var t = table.Table;
        var sql = $"SELECT {string.Join(", ", t.PrimaryKey.Select(k => Quote(k) + "::text"))} FROM {Quote(t.Schema)}.{Quote(t.Name)} AS t " +
            $"ORDER BY {string.Join(", ", t.PrimaryKey.Select(k => "t." + Quote(k) + " DESC"))} LIMIT 1";
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var key = new string[reader.FieldCount];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = reader.GetString(i);
        }

        return key;
    }

    /// <summary>A watermark row, committed on its own, so it lands in the stream exactly between what it separates.</summary>
    private async Task WatermarkAsync(string id, string type, string data, CancellationToken ct)
    {
        var signal = settings.SignalTable!;
        var dot = signal.IndexOf('.', StringComparison.Ordinal);
        await using var command = new NpgsqlCommand($"INSERT INTO {Quote(signal[..dot])}.{Quote(signal[(dot + 1)..])} (id, type, data) VALUES ($1, $2, $3)", connection)
        {
            Parameters = { new() { Value = id }, new() { Value = type }, new() { Value = data } },
        };
        await command.ExecuteNonQueryAsync(ct);
    }

    private void Finish()
    {
        if (_hold is { } hold)
        {
            acks.Acknowledge(hold);
            _hold = null;
            LogFinished(logger);
        }

        _running = false;
    }

    private static string Name(CapturedTable table) => $"{table.Table.Schema}.{table.Table.Name}";

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [LoggerMessage(10, LogLevel.Information, "Incremental snapshot requested by signal {Id}: {Tables}, {ChunkSize} rows per chunk")]
    private static partial void LogRequested(ILogger logger, string? id, string tables, int chunkSize);

    [LoggerMessage(11, LogLevel.Information, "Incremental snapshot of {Table} done")]
    private static partial void LogTableDone(ILogger logger, string table);

    [LoggerMessage(12, LogLevel.Information, "Incremental snapshot finished")]
    private static partial void LogFinished(ILogger logger);

    [LoggerMessage(13, LogLevel.Information, "Incremental snapshot of {Table} stopped by signal {Id}")]
    private static partial void LogStopped(ILogger logger, string? id, string table);

    [LoggerMessage(14, LogLevel.Warning, "Signal {Id} of type '{Type}' ignored: {Reason}")]
    private static partial void LogIgnoredSignal(ILogger logger, string? id, string? type, string reason);

    [LoggerMessage(15, LogLevel.Debug, "Watermark {Id} ignored: not the chunk in progress")]
    private static partial void LogStaleWatermark(ILogger logger, string? id);

    [LoggerMessage(16, LogLevel.Error, "Incremental snapshot abandoned, streaming goes on: {Reason}")]
    private static partial void LogAbandoned(ILogger logger, string reason);
}
