namespace CdcBridge.Projections;

/// <summary>
/// One Kafka record as a projector sees it: where it came from, its raw bytes (kept for parking and replay) and its key
/// and value decoded from Avro (generic records; null for a tombstone's value).
/// </summary>
public sealed record ConsumedRecord(
    string Topic,
    int Partition,
    long Offset,
    DateTime TimestampUtc,
    byte[]? RawKey,
    byte[]? RawValue,
    object? Key,
    object? Value);
