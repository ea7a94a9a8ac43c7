namespace CdcBridge.Avro.Schemas;

/// <summary>A schema that does not follow the Avro specification; the message names the offending part.</summary>
public sealed class AvroSchemaException(string message) : Exception(message);
