using System.Numerics;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Json;
using CdcBridge.Avro.Schemas;
using FsCheck;
using FsCheck.Fluent;

namespace CdcBridge.Avro.Tests;

/// <summary>Property-based round trips over random schemas and random values of them (FsCheck).</summary>
public sealed class RoundTripProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true);

    [Fact]
    public void Binary_and_json_round_trips_reproduce_the_same_bytes_for_any_schema_and_value()
    {
        Prop.ForAll(Arb.From(SchemaAndValue()), sample =>
        {
            var (schema, value) = sample;
            var writer = new GenericDatumWriter(schema);
            var bytes = writer.Serialize(value);

            var decoded = new GenericDatumReader(schema).Deserialize(bytes);
            var again = writer.Serialize(decoded);

            var readable = AvroJsonDecoder.Decode(schema, AvroJsonEncoder.Encode(schema, decoded));
            var spec = AvroJsonDecoder.Decode(schema, AvroJsonEncoder.Encode(schema, decoded, AvroJsonStyle.Specification), AvroJsonStyle.Specification);

            return again.SequenceEqual(bytes) && writer.Serialize(readable).SequenceEqual(bytes) && writer.Serialize(spec).SequenceEqual(bytes);
        }).Check(Config);
    }

    [Fact]
    public void A_written_schema_parses_back_to_the_same_canonical_form_and_fingerprint()
    {
        Prop.ForAll(Arb.From(SchemaJson(4)), json =>
        {
            var schema = AvroSchema.Parse(json);
            var reread = AvroSchema.Parse(schema.ToJson());
            return reread.ToCanonicalForm() == schema.ToCanonicalForm() && reread.Fingerprint64 == schema.Fingerprint64
                && reread.ToJson() == schema.ToJson();
        }).Check(Config);
    }

    private static Gen<(AvroSchema Schema, object? Value)> SchemaAndValue() =>
        from json in SchemaJson(4)
        let schema = AvroSchema.Parse(json)
        from value in ValueOf(schema, 3)
        select (schema, value);

    // ---- schemas -------------------------------------------------------------------------------------------------

    private static readonly string[] Primitives = ["\"null\"", "\"boolean\"", "\"int\"", "\"long\"", "\"float\"", "\"double\"", "\"bytes\"", "\"string\""];

    private static readonly string[] Logicals =
    [
        """{"type":"bytes","logicalType":"decimal","precision":12,"scale":3}""",
        """{"type":"bytes","logicalType":"decimal","precision":38,"scale":10}""",
        """{"type":"fixed","name":"Dec8","size":8,"logicalType":"decimal","precision":18,"scale":4}""",
        """{"type":"int","logicalType":"date"}""",
        """{"type":"int","logicalType":"time-millis"}""",
        """{"type":"long","logicalType":"time-micros"}""",
        """{"type":"long","logicalType":"timestamp-millis"}""",
        """{"type":"long","logicalType":"timestamp-micros"}""",
        """{"type":"long","logicalType":"local-timestamp-micros"}""",
        """{"type":"string","logicalType":"uuid"}""",
        """{"type":"long","connect.name":"io.debezium.time.MicroTimestamp","connect.version":1}""",
    ];

    private static Gen<string> SchemaJson(int depth) =>
        from id in Gen.Choose(0, 1_000_000)
        from json in SchemaJson(depth, $"n{id}")
        select json;

    // Names are derived from a path prefix, so every named type in one schema is distinct.
    private static Gen<string> SchemaJson(int depth, string prefix)
    {
        var leaf = Gen.OneOf(Gen.Elements(Primitives), Gen.Elements(Logicals).Select(l => l.Replace("Dec8", $"Dec8_{prefix}", StringComparison.Ordinal)),
            Gen.Constant($$"""{"type":"enum","name":"E_{{prefix}}","symbols":["A","B","C"],"default":"A"}"""),
            Gen.Constant($$"""{"type":"fixed","name":"F_{{prefix}}","size":3}"""));
        if (depth <= 0)
        {
            return leaf;
        }

        var record =
            from count in Gen.Choose(0, 4)
            from fields in Gen.CollectToList(Enumerable.Range(0, count).Select(i => SchemaJson(depth - 1, $"{prefix}_{i}")))
            select $$"""{"type":"record","name":"R_{{prefix}}","namespace":"test.ns","doc":"generated","fields":[{{string.Join(",", fields.Select((f, i) => $$"""{"name":"f{{i}}","type":{{f}}}"""))}}]}""";
        var array = SchemaJson(depth - 1, prefix + "_a").Select(items => $$"""{"type":"array","items":{{items}}}""");
        var map = SchemaJson(depth - 1, prefix + "_m").Select(values => $$"""{"type":"map","values":{{values}}}""");
        var union =
            from other in Gen.Elements("\"int\"", "\"string\"", "\"double\"", "\"bytes\"")
            from named in SchemaJson(depth - 1, prefix + "_u").Where(s => s.StartsWith('{') && s.Contains("\"name\"", StringComparison.Ordinal) && !s.Contains("\"type\":\"fixed\",\"name\":\"Dec8", StringComparison.Ordinal))
            from order in Gen.Elements(0, 1)
            select order == 0 ? $"[\"null\",{other},{named}]" : $"[{other},\"null\"]";
        return Gen.OneOf(leaf, leaf, record, record, array, map, union);
    }

    // ---- values --------------------------------------------------------------------------------------------------

    private static Gen<object?> ValueOf(AvroSchema schema, int depth)
    {
        switch (schema)
        {
            case UnionSchema u:
                return from i in Gen.Choose(0, u.Branches.Count - 1) from v in ValueOf(u.Branches[i], depth) select v;
            case RecordSchema r:
                return Gen.CollectToList(r.Fields.Select(f => ValueOf(f.Schema, depth - 1))).Select(values =>
                {
                    var record = new GenericRecord(r);
                    foreach (var (v, i) in values.Select((v, i) => (v, i)))
                    {
                        record[i] = v;
                    }

                    return (object?)record;
                });
            case EnumSchema e:
                return Gen.Elements(e.Symbols.ToArray()).Select(s => (object?)new GenericEnumSymbol(e, s));
            case FixedSchema { LogicalType: null } f:
                return Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), f.Size).Select(b => (object?)new GenericFixed(f, b));
            case ArraySchema a:
                return from n in Gen.Choose(0, depth <= 0 ? 0 : 3)
                       from items in Gen.CollectToList(Enumerable.Range(0, n).Select(_ => ValueOf(a.Items, depth - 1)))
                       select (object?)items.ToList();
            case MapSchema m:
                return from n in Gen.Choose(0, depth <= 0 ? 0 : 3)
                       from values in Gen.CollectToList(Enumerable.Range(0, n).Select(_ => ValueOf(m.Values, depth - 1)))
                       select (object?)values.Select((v, i) => (v, i)).ToDictionary(x => $"k{x.i}·ü", x => x.v);
        }

        if (schema.LogicalType is { } logical)
        {
            return Logical(logical);
        }

        return schema.Type switch
        {
            AvroType.Null => Gen.Constant<object?>(null),
            AvroType.Boolean => Gen.Elements<object?>(true, false),
            AvroType.Int => Gen.OneOf(Gen.Choose(-1000, 1000), Gen.Elements(int.MinValue, int.MaxValue, 0)).Select(i => (object?)i),
            AvroType.Long => Long.Select(l => (object?)l),
            AvroType.Float => Gen.Choose(-100000, 100000).Select(i => (object?)(i / 8f)),
            AvroType.Double => Long.Select(l => (object?)BitConverter.Int64BitsToDouble(l)).Where(d => double.IsFinite((double)d!)),
            AvroType.Bytes => from n in Gen.Choose(0, 8) from b in Gen.ArrayOf(Gen.Choose(0, 255).Select(x => (byte)x), n) select (object?)b,
            AvroType.String => Text.Select(s => (object?)s),
            _ => throw new InvalidOperationException(schema.Type.ToString()),
        };
    }

    private static Gen<long> Long =>
        Gen.OneOf(
            from hi in Gen.Choose(int.MinValue, int.MaxValue) from lo in Gen.Choose(int.MinValue, int.MaxValue) select ((long)hi << 32) ^ (uint)lo,
            Gen.Elements(long.MinValue, long.MaxValue, 0L, (1L << 53) + 1));

    private static Gen<string> Text =>
        Gen.OneOf(
            Gen.Elements("", "plain", "Grüße", "東京", "emoji 😀", "quote \" and \\ backslash", "tab\tnew\nline"),
            from n in Gen.Choose(0, 12) from cs in Gen.ArrayOf(Gen.Choose(0x20, 0xD7FF).Select(c => (char)c), n) select new string(cs));

    private static Gen<object?> Logical(LogicalType logical) => logical.Name switch
    {
        LogicalType.Decimal =>
            from sign in Gen.Elements(1, -1)
            from digits in Gen.Choose(1, logical.Precision)
            from ds in Gen.ArrayOf(Gen.Choose(0, 9), digits)
            select (object?)new AvroDecimal(sign * BigInteger.Parse(string.Concat(ds), System.Globalization.CultureInfo.InvariantCulture), logical.Scale),
        LogicalType.Date => Gen.Choose(-50_000, 50_000).Select(d => (object?)DateOnly.FromDayNumber(719162 + d)),
        LogicalType.TimeMillis => Gen.Choose(0, 86_399_999).Select(ms => (object?)new TimeOnly(ms * TimeSpan.TicksPerMillisecond)),
        LogicalType.TimeMicros => Gen.Choose(0, 86_399_999).Select(ms => (object?)new TimeOnly((ms * TimeSpan.TicksPerMillisecond) + 130)),
        LogicalType.TimestampMillis => Gen.Choose(-2_000_000, 2_000_000).Select(s => (object?)DateTime.UnixEpoch.AddSeconds(s * 1000.0).AddMilliseconds(s % 1000)),
        LogicalType.TimestampMicros => Gen.Choose(-2_000_000, 2_000_000).Select(s => (object?)DateTime.UnixEpoch.AddSeconds(s * 1000.0).AddTicks(s % 1000 * 10)),
        LogicalType.LocalTimestampMicros => Gen.Choose(0, 2_000_000).Select(s => (object?)DateTime.SpecifyKind(DateTime.UnixEpoch.AddSeconds(s * 1000.0), DateTimeKind.Unspecified)),
        LogicalType.Uuid => Long.Select(l => (object?)new Guid([.. BitConverter.GetBytes(l), .. BitConverter.GetBytes(~l)])),
        _ => throw new InvalidOperationException(logical.Name),
    };
}
