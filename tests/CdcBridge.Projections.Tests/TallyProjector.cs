using CdcBridge.Avro.Generic;
using Npgsql;

namespace CdcBridge.Projections.Tests;

/// <summary>
/// A projector that counts, per name, the records it applied (table <c>tally</c>, with the <see cref="Instance"/> that
/// applied a name last), so a test can see a record applied twice or never. A record named "poison" is parked;
/// <see cref="FailNextBatches"/> makes batches throw (after writing).
/// </summary>
internal sealed class TallyProjector(string topic, string name = "tally") : IProjector
{
    public int FailNextBatches;
    public int Loads;

    /// <summary>Every batch handed to <see cref="ApplyAsync"/>: its size and what the runner said was still behind after it.</summary>
    public List<(int Records, long Remaining)> Seen { get; } = [];

    /// <summary>
    /// Every batch: its size, whether the runner said it was caught up to the start, and the next offset of every partition as the
    /// batches so far left it (from the records applied; a partition none was read of is absent).
    /// </summary>
    public List<(int Records, bool CaughtUpToStart, Dictionary<int, long> Next)> Progress { get; } = [];

    private readonly Dictionary<int, long> _next = [];

    public string Name { get; } = name;

    public IReadOnlyList<string> Topics { get; init; } = [topic];

    public bool SpansPartitions { get; init; }

    /// <summary>Written with every name this projector applies.</summary>
    public string Instance { get; init; } = "";

    public async Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS tally (name text PRIMARY KEY, n int NOT NULL, by text NOT NULL)", connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("TRUNCATE tally", connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task LoadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        Interlocked.Increment(ref Loads);
        return Task.CompletedTask;
    }

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        lock (Seen)
        {
            Seen.Add((batch.Records.Count, batch.Remaining));
            foreach (var record in batch.Records)
            {
                _next[record.Partition] = record.Offset + 1;
            }

            Progress.Add((batch.Records.Count, batch.CaughtUpToStart, new Dictionary<int, long>(_next)));
        }

        foreach (var record in batch.Records)
        {
            var name = (string)((GenericRecord)record.Value!)["name"]!;
            if (name == "poison")
            {
                batch.Park(record, "poison is not applied");
                continue;
            }

            await using var command = new NpgsqlCommand(
                "INSERT INTO tally (name, n, by) VALUES ($1, 1, $2) ON CONFLICT (name) DO UPDATE SET n = tally.n + 1, by = excluded.by", batch.Connection, batch.Transaction);
            command.Parameters.Add(new() { Value = name });
            command.Parameters.Add(new() { Value = Instance });
            await command.ExecuteNonQueryAsync(ct);
        }

        if (Interlocked.Decrement(ref FailNextBatches) >= 0)
        {
            throw new InvalidOperationException("injected failure after the batch's writes");
        }
    }

    public void Committed(ProjectionBatch batch)
    {
    }
}
