using CdcBridge.Avro.Generic;

namespace CdcBridge.Capture;

/// <summary>One record to produce: a change envelope (or, when <see cref="Tombstone"/>, the null value after a delete) under its key.</summary>
internal readonly record struct CapturedChange(CapturedTable Table, GenericRecord? Key, GenericRecord Envelope, bool Tombstone)
{
    public string Operation => (string)Envelope["op"]!;
}
