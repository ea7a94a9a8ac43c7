namespace CdcBridge.Avro.Binary;

/// <summary>Bytes that are not valid Avro binary for the schema: a bounded, explained failure, never a crash.</summary>
public sealed class AvroDecodeException(string message) : Exception(message);
