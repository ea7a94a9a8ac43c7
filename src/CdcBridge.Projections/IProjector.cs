using Npgsql;

namespace CdcBridge.Projections;

/// <summary>
/// A projection fed by the <see cref="ProjectionRunner"/>: it folds batches of records into state it keeps in the
/// sidecar database. The runner stores the consumer position in the same transaction, so a batch is applied exactly once.
/// </summary>
public interface IProjector
{
    /// <summary>Stable name: the key of the stored positions and of the consumer group.</summary>
    string Name { get; }

    IReadOnlyList<string> Topics { get; }

    /// <summary>
    /// True when the projector's state spans partitions (a value folds records of several partitions, as availability
    /// folds a product's quants keyed by quant): one instance must apply every partition, so the runner assigns them all
    /// itself at the stored positions instead of sharing them out in a consumer group, and so starts without waiting
    /// for a group join. False (the default): partitions are shared out in the group <c>{GroupPrefix}.{Name}</c>.
    /// </summary>
    bool SpansPartitions => false;

    /// <summary>Creates the projection's tables if missing (own transaction).</summary>
    Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken ct);

    /// <summary>Deletes all projection state: the runner calls it in a transaction before a rebuild from the topics.</summary>
    Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);

    /// <summary>
    /// (Re)loads whatever the projector keeps in memory from its tables: at start and after a failed batch, whose
    /// in-memory effects must be forgotten.
    /// </summary>
    Task LoadAsync(NpgsqlConnection connection, CancellationToken ct);

    /// <summary>
    /// Applies a batch inside <see cref="ProjectionBatch.Transaction"/>. A record that cannot be applied is handed to
    /// <see cref="ProjectionBatch.Park"/> with the reason (and must leave no trace); anything thrown fails the whole
    /// batch, which the runner rolls back and retries.
    /// </summary>
    Task ApplyAsync(ProjectionBatch batch, CancellationToken ct);

    /// <summary>Called after the batch's transaction committed (e.g. to wake a dispatcher).</summary>
    void Committed(ProjectionBatch batch);
}
