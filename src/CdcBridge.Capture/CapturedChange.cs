using CdcBridge.Avro.Generic;

namespace CdcBridge.Capture;

/// <summary>
/// One record to produce: a change envelope (or, when <see cref="Tombstone"/>, the null value after a delete) under its
/// key, with the primary-key-change header Debezium adds when an update moved a row to another key.
/// </summary>
internal readonly record struct CapturedChange(CapturedTable Table, GenericRecord? Key, GenericRecord Envelope, bool Tombstone, KeyChangeHeader? Header = null)
{
    public string Operation => (string)Envelope["op"]!;
}
