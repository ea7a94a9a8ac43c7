using Npgsql;

namespace CdcBridge.Projections;

/// <summary>The records of one batch and the transaction they are applied in.</summary>
public sealed class ProjectionBatch(IReadOnlyList<ConsumedRecord> records, NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    private readonly List<ParkedRecord> _parked = [];

    public IReadOnlyList<ConsumedRecord> Records { get; } = records;

    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    /// <summary>
    /// Records still behind the high watermarks of the assigned partitions once this batch is applied, from the consumer's
    /// cached watermarks, or the broker's for a partition not fetched yet; a partition whose end neither can tell counts
    /// as far behind. A projector may defer per-batch outputs while far behind (catch-up) and settle them when this falls
    /// and <see cref="CaughtUpToStart"/> holds; since positions move past such records, it must settle again after every
    /// (re)load.
    /// </summary>
    public long Remaining { get; init; }

    /// <summary>
    /// True once every assigned partition has been read up to the end it had when the runner first learnt it (at start,
    /// or when a partition was assigned). Until then the projector's state lacks records the topics already held, in
    /// partitions the consumer has not reached yet, however few records <see cref="Remaining"/> counts: a rebuild may read
    /// a one-record partition (a warehouse) last. When this turns true while no records arrive (a partition ending in a
    /// transaction marker), the runner applies a batch without records so that the projector can settle.
    /// </summary>
    public bool CaughtUpToStart { get; init; } = true;

    public IReadOnlyList<ParkedRecord> Parked => _parked;

    /// <summary>Sets a record aside with the reason; it is stored in the batch's transaction and does not block its partition.</summary>
    public void Park(ConsumedRecord record, string reason) => _parked.Add(new ParkedRecord(record, reason));
}

public sealed record ParkedRecord(ConsumedRecord Record, string Reason);
