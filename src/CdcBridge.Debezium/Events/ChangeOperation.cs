namespace CdcBridge.Debezium.Events;

/// <summary>Debezium's <c>op</c>, plus the tombstone (null value) that follows a delete.</summary>
public enum ChangeOperation
{
    Create,
    Update,
    Delete,
    Read,
    Truncate,
    Message,
    Tombstone,
}
