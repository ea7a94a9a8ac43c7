namespace CdcBridge.Capture;

/// <summary>
/// What varies in an event's <c>io.debezium.connector.postgresql.Source</c> block: when (commit or read time, in
/// microseconds since the epoch), <c>snapshot</c> (false, first, true, last, incremental), <c>sequence</c>, and the
/// transaction id and LSN (null on incremental-snapshot reads). The rest (version, connector, name, db, schema,
/// table, xmin) is the table's.
/// </summary>
internal readonly record struct SourceBlock(long AtMicros, string Snapshot, string? Sequence, long? TxId, long? Lsn)
{
    public static long Micros(DateTime at) => (at.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) / 10;
}
