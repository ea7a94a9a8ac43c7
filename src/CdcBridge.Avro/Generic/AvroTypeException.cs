namespace CdcBridge.Avro.Generic;

/// <summary>A value that does not fit its schema; the message names the field path and what was expected.</summary>
public sealed class AvroTypeException(string message) : Exception(message);
