namespace CdcBridge.Debezium.Events;

/// <summary>
/// Where a change comes from (Debezium's <c>source</c> block): the table, the commit time (the snapshot's read time for
/// <c>op: r</c>), the transaction, the WAL position, and whether it belongs to a snapshot.
/// </summary>
public sealed record SourcePosition(
    string Connector,
    string Name,
    string Database,
    string Schema,
    string Table,
    DateTime CommittedAt,
    string Snapshot,
    long? Lsn,
    long? TxId,
    string? Sequence,
    string? Version)
{
    public bool IsSnapshot => Snapshot is not ("false" or "");
}
