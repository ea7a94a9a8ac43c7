using System.Numerics;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Benchmarks;

/// <summary>A plausible value for any schema: the non-null branch of optional fields, two items per array.</summary>
internal static class SampleValues
{
    public static object? For(AvroSchema schema) => schema switch
    {
        UnionSchema u => For(u.Branches.FirstOrDefault(b => b.Type != AvroType.Null) ?? u.Branches[0]),
        RecordSchema r => Record(r),
        EnumSchema e => new GenericEnumSymbol(e, e.Symbols[^1]),
        FixedSchema f when f.LogicalType?.Name == LogicalType.Decimal => new AvroDecimal(123456, f.LogicalType.Scale),
        FixedSchema f => new GenericFixed(f, new byte[f.Size]),
        ArraySchema a => new List<object?> { For(a.Items), For(a.Items) },
        MapSchema m => new Dictionary<string, object?> { ["WH"] = For(m.Values) },
        _ when schema.LogicalType is { } l => l.Name switch
        {
            LogicalType.Decimal => new AvroDecimal(new BigInteger(1_250_000), l.Scale),
            LogicalType.Date => new DateOnly(2026, 11, 22),
            LogicalType.TimeMillis or LogicalType.TimeMicros => new TimeOnly(10, 30),
            LogicalType.Uuid => Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
            _ => new DateTime(2026, 11, 22, 10, 30, 15, DateTimeKind.Utc),
        },
        _ => schema.Type switch
        {
            AvroType.Null => null,
            AvroType.Boolean => true,
            AvroType.Int => 4711,
            AvroType.Long => 1_763_807_415_123_456L,
            AvroType.Float => 1.5f,
            AvroType.Double => 12.75,
            AvroType.Bytes => new byte[] { 0x04, 0xD2 },
            _ => "TEE-00042-BLK-M",
        },
    };

    private static GenericRecord Record(RecordSchema schema)
    {
        var record = new GenericRecord(schema);
        foreach (var field in schema.Fields)
        {
            record[field.Position] = field.Name switch
            {
                "op" => "u",
                "before" or "transaction" => null,
                _ => For(field.Schema),
            };
        }

        return record;
    }
}
