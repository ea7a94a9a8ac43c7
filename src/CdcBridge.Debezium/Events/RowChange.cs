namespace CdcBridge.Debezium.Events;

/// <summary>One row change of a captured table, read from a Debezium envelope (or its tombstone).</summary>
public sealed record RowChange(
    string Schema,
    string Table,
    ChangeOperation Operation,
    RowImage? Key,
    RowImage? Before,
    RowImage? After,
    SourcePosition? Source,
    DateTime? ProcessedAt)
{
    /// <summary>The row as it is now: after for creates, updates and reads; before for deletes.</summary>
    public RowImage? Current => Operation is ChangeOperation.Delete ? Before : After;
}
