using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Generic;

/// <summary>The bytes of a fixed type (without a logical type the codec converts).</summary>
public sealed class GenericFixed(FixedSchema schema, byte[] value)
{
    public FixedSchema Schema { get; } = schema;

    public byte[] Value { get; } = value;

    public override string ToString() => Convert.ToHexString(Value);
}
