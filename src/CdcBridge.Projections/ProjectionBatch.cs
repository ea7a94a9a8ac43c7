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
    /// cached watermarks (no broker round trip): an estimate that never exceeds the truth (a partition whose watermark is
    /// not known yet counts 0). A projector may defer per-batch outputs while far behind (catch-up) and settle them when
    /// this falls; since positions move past such records, it must settle again after every (re)load.
    /// </summary>
    public long Remaining { get; init; }

    public IReadOnlyList<ParkedRecord> Parked => _parked;

    /// <summary>Sets a record aside with the reason; it is stored in the batch's transaction and does not block its partition.</summary>
    public void Park(ConsumedRecord record, string reason) => _parked.Add(new ParkedRecord(record, reason));
}

public sealed record ParkedRecord(ConsumedRecord Record, string Reason);
