namespace CdcBridge.Avro.Generic;

/// <summary>
/// How generic Avro values look in .NET, for readers and writers alike:
/// null → null; boolean → bool; int → int; long → long; float → float; double → double; bytes → byte[];
/// string → string; record → <see cref="GenericRecord"/> (writers also take IDictionary&lt;string, object?&gt;);
/// enum → <see cref="GenericEnumSymbol"/> (writers also take the symbol); fixed → <see cref="GenericFixed"/>;
/// array → List&lt;object?&gt;; map → Dictionary&lt;string, object?&gt;; union → the value of its branch.
/// Logical types: decimal → <see cref="AvroDecimal"/> (writers also take decimal and decimal strings);
/// date → DateOnly; time-millis/micros → TimeOnly; timestamp-* → DateTime (UTC); local-timestamp-* → DateTime
/// (unspecified); uuid → Guid. Readers return base values where a logical value is out of .NET's range.
/// </summary>
public static class AvroValues;
