using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Generic;

/// <summary>An enum symbol with the enum it belongs to (unions pick their branch by it).</summary>
public sealed record GenericEnumSymbol(EnumSchema Schema, string Symbol)
{
    public override string ToString() => Symbol;
}
