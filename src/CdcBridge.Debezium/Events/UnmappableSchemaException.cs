namespace CdcBridge.Debezium.Events;

/// <summary>A change event whose schema the reader cannot map; it refuses rather than guess.</summary>
public sealed class UnmappableSchemaException(string message) : Exception(message);
