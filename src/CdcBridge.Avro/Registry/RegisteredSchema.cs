using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Registry;

/// <summary>A schema as a subject holds it: its global id and its version under the subject.</summary>
public sealed record RegisteredSchema(string Subject, int Id, int Version, AvroSchema Schema);
