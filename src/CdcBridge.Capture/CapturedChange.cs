using CdcBridge.Avro.Generic;

namespace CdcBridge.Capture;

/// <summary>
/// One record to produce, already encoded: the Kafka key and the envelope (null for the tombstone after a delete) of
/// a change to <see cref="Table"/>, with the primary-key-change header Debezium adds when an update moved a row to
/// another key.
/// </summary>
internal readonly record struct CapturedChange(CapturedTable Table, string Operation, byte[]? Key, byte[]? Value, KeyChangeHeader? Header = null)
{
    public bool Tombstone => Value is null;

    /// <summary>The key as text that compares equal exactly when two keys are equal.</summary>
    public string? KeyText => EncodedRow.TextOf(Key);

    /// <summary>The envelope as generic values; decoding costs, so only signals are read this way.</summary>
    public GenericRecord Envelope() => Table.DecodeEnvelope(Value ?? throw new InvalidOperationException("A tombstone has no envelope."));
}
