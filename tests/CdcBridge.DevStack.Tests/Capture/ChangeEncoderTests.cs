using System.Buffers;
using System.Globalization;
using CdcBridge.Avro.Binary;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;
using CdcBridge.Capture;
using CdcBridge.Debezium;
using CdcBridge.Debezium.Schema;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>
/// The capture's encoder writes keys and envelopes straight from column texts. Its bytes must be exactly what the
/// generic path writes for the same row: the values <see cref="PgTextValues"/> converts, in generic records of the
/// Debezium schemas, through the generic Avro writer. Random rows of every column type the capture maps, in every
/// decimal and time mode, including the forms the fast parsers hand back to the generic path.
/// </summary>
public sealed class ChangeEncoderTests
{
    private const int ValueId = 31;
    private const int KeyId = 7;

    private static readonly PgTable Table = new("public", "every_type",
    [
        new("id", "int4", false),
        new("code", "varchar", false, DefaultExpression: "'new'::character varying"),
        new("small", "int2", true),
        new("big", "int8", true, DefaultExpression: "0"),
        new("object", "oid", true),
        new("active", "bool", true, DefaultExpression: "true"),
        new("ratio", "float4", true),
        new("weight", "float8", true),
        new("name", "text", true),
        new("letter", "bpchar", true),
        new("data", "jsonb", true),
        new("uid", "uuid", true),
        new("raw", "bytea", true),
        new("quantity", "numeric", true),
        new("price", "numeric", true, Precision: 12, Scale: 3),
        new("due", "date", true),
        new("at", "timestamp", true),
        new("at_ms", "timestamp", true, Precision: 3),
        new("zoned", "timestamptz", true),
        new("clock", "time", true),
        new("zoned_clock", "timetz", true),
        new("quantity_required", "numeric", false),
    ],
    ["id", "code"]);

    public static TheoryData<DecimalHandlingMode, TimePrecisionMode> Modes() => new()
    {
        { DecimalHandlingMode.Precise, TimePrecisionMode.Adaptive },
        { DecimalHandlingMode.Precise, TimePrecisionMode.Connect },
        { DecimalHandlingMode.Double, TimePrecisionMode.Adaptive },
        { DecimalHandlingMode.String, TimePrecisionMode.Connect },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Keys_and_envelopes_are_byte_for_byte_what_the_generic_writer_writes_for_the_same_row(DecimalHandlingMode decimals, TimePrecisionMode times)
    {
        var settings = CaptureSettings.Odoo with { DecimalHandling = decimals, TimePrecision = times };
        var envelope = (RecordSchema)DebeziumSchemas.Envelope(settings, Table);
        var keySchema = (RecordSchema)DebeziumSchemas.Key(settings, Table)!;
        var encoder = new ChangeEncoder(Table, settings, envelope, keySchema, "odoo") { ValueSchemaId = ValueId, KeySchemaId = KeyId };
        var random = new Random(4242 + ((int)decimals * 10) + (int)times);

        for (var n = 0; n < 400; n++)
        {
            var before = RandomRow(random, decimals);
            var after = RandomRow(random, decimals);
            var source = new SourceBlock(1_795_000_000_000_000 + random.NextInt64(1_000_000_000), n % 2 == 0 ? "false" : "last",
                n % 3 == 0 ? null : $"[\"{n}\",\"{n + 1}\"]", n % 5 == 0 ? null : random.NextInt64(1, 1L << 40), n % 5 == 0 ? null : random.NextInt64(1, 1L << 50));
            var now = 1_795_000_000_000_000 + random.NextInt64(1_000_000_000);
            var op = (n % 4) switch { 0 => "c", 1 => "u", 2 => "d", _ => "r" };
            var beforeImage = op is "u" or "d" ? encoder.FromTexts(before) : null;
            var afterImage = op is "d" ? null : encoder.FromTexts(after);

            var expectedBefore = op is "u" or "d" ? GenericRow(envelope, before, settings) : null;
            var expectedAfter = op is "d" ? null : GenericRow(envelope, after, settings);
            var expected = Framed(ValueId, new GenericDatumWriter(envelope).Serialize(GenericEnvelope(envelope, expectedBefore, expectedAfter, source, op, now)));
            var actual = encoder.Envelope(beforeImage, afterImage, source, op, now);
            actual.Should().Equal(expected, $"row {n} ({op}) in {decimals}/{times}: {string.Join(" | ", after)}");

            var keyRow = expectedAfter ?? expectedBefore!;
            var expectedKey = Framed(KeyId, new GenericDatumWriter(keySchema).Serialize(new GenericRecord(keySchema) { ["id"] = keyRow["id"], ["code"] = keyRow["code"] }));
            (afterImage ?? beforeImage)!.Key.Should().Equal(expectedKey);
        }
    }

    [Fact]
    public void A_row_without_a_value_for_a_required_column_is_refused_naming_the_column()
    {
        var settings = CaptureSettings.Odoo;
        var envelope = (RecordSchema)DebeziumSchemas.Envelope(settings, Table);
        var encoder = new ChangeEncoder(Table, settings, envelope, (RecordSchema)DebeziumSchemas.Key(settings, Table)!, "odoo") { ValueSchemaId = 1, KeySchemaId = 2 };
        var row = RandomRow(new Random(1), DecimalHandlingMode.Precise);
        row[^1] = null;

        var act = () => encoder.FromTexts(row);

        act.Should().Throw<InvalidOperationException>().WithMessage("*quantity_required*not optional*");
    }

    [Fact]
    public void A_schema_whose_envelope_fields_differ_from_debeziums_is_refused_rather_than_written_wrongly()
    {
        var settings = CaptureSettings.Odoo;
        var envelope = (RecordSchema)AvroSchema.Parse("""
            {"type":"record","name":"Envelope","fields":[
              {"name":"before","type":["null",{"type":"record","name":"Value","fields":[{"name":"id","type":"int"}]}]},
              {"name":"after","type":["null","Value"]},
              {"name":"op","type":"string"}]}
            """);

        var act = () => new ChangeEncoder(new PgTable("public", "t", [new("id", "int4", false)], []), settings, envelope, null, "odoo");

        act.Should().Throw<InvalidOperationException>().WithMessage("*[before, after, op]*");
    }

    private static string?[] RandomRow(Random random, DecimalHandlingMode decimals)
    {
        string? Maybe(Func<string> value) => random.Next(6) == 0 ? null : value();
        string Pick(params string[] options) => options[random.Next(options.Length)];
        string Number(int maxDigits, int scale)
        {
            var digits = random.Next(1, maxDigits + 1);
            var text = string.Concat(Enumerable.Range(0, digits).Select(i => (char)('0' + (i == 0 && digits > 1 ? random.Next(1, 10) : random.Next(10)))));
            if (scale > 0)
            {
                text = text.PadLeft(scale + 1, '0');
                text = text[..^scale] + "." + text[^scale..];
            }

            return (random.Next(3) == 0 && text.Any(c => c is not '0' and not '.') ? "-" : "") + text;
        }

        string Timestamp(int maxFraction)
        {
            var at = new DateTime(random.Next(1, 10000), random.Next(1, 13), random.Next(1, 29), random.Next(24), random.Next(60), random.Next(60), DateTimeKind.Utc)
                .AddTicks(random.Next(10_000_000) / 10 * 10);
            var text = at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var fraction = at.ToString("ffffff", CultureInfo.InvariantCulture)[..maxFraction].TrimEnd('0');
            return fraction.Length > 0 ? text + "." + fraction : text;
        }

        string Numeric() => decimals == DecimalHandlingMode.Precise
            ? Number(random.Next(2) == 0 ? 18 : 30, random.Next(0, 8)) // beyond 18 digits: the generic path
            : Pick(Number(12, random.Next(0, 5)), "NaN", Number(25, 3));

        return
        [
            random.Next(-1000, 1_000_000).ToString(CultureInfo.InvariantCulture),
            Pick("WH/Stock", "", "ünïcode ✓", "a\"quote", new string('x', 300)),
            Maybe(() => random.Next(short.MinValue, short.MaxValue + 1).ToString(CultureInfo.InvariantCulture)),
            Maybe(() => Pick(long.MinValue.ToString(CultureInfo.InvariantCulture), long.MaxValue.ToString(CultureInfo.InvariantCulture), random.NextInt64(-1L << 50, 1L << 50).ToString(CultureInfo.InvariantCulture))),
            Maybe(() => random.NextInt64(0, uint.MaxValue).ToString(CultureInfo.InvariantCulture)),
            Maybe(() => Pick("t", "f")),
            Maybe(() => Pick("1.5", "-0", "3.4028235e+38", "NaN", "Infinity", "1e-05", (random.NextSingle() * 1000).ToString("R", CultureInfo.InvariantCulture))),
            Maybe(() => Pick("0.1", "-Infinity", "1.7976931348623157e+308", "5e-324", (random.NextDouble() * 1e6).ToString("R", CultureInfo.InvariantCulture))),
            Maybe(() => Pick("Stock", "", "中文 text", "line\nbreak")),
            Maybe(() => Pick("A", " ")),
            Maybe(() => Pick("{}", """{"en_US": "Desk", "fr_FR": "Bureau"}""")),
            Maybe(() => Guid.NewGuid().ToString()),
            Maybe(() => "\\x" + Convert.ToHexString(Enumerable.Range(0, random.Next(0, 20)).Select(_ => (byte)random.Next(256)).ToArray()).ToLowerInvariant()),
            Maybe(Numeric),
            Maybe(() => decimals == DecimalHandlingMode.Precise ? Pick(Number(9, 3), "0.000", "-127.000", "128.000", "-32768.000", "8388607.000") : Numeric()),
            Maybe(() => new DateOnly(random.Next(1, 10000), random.Next(1, 13), random.Next(1, 29)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            Maybe(() => Timestamp(6)),
            Maybe(() => Timestamp(3)),
            Maybe(() => Pick("2026-11-22 10:15:30.123456+00", "2026-11-22 11:15:30+01", "1969-12-31 23:59:59.5-05:30")),
            Maybe(() => Pick("10:15:30", "23:59:59.999999", "00:00:00.5")),
            Maybe(() => Pick("10:15:30+01", "23:59:59.999999-05:30")),
            Numeric(),
        ];
    }

    /// <summary>The generic path the capture took before its encoder: column texts converted to values in a generic row record.</summary>
    private static GenericRecord GenericRow(RecordSchema envelope, string?[] texts, CaptureSettings settings)
    {
        var rowSchema = (RecordSchema)((UnionSchema)envelope.GetField("before")!.Schema).Branches[1];
        var row = new GenericRecord(rowSchema);
        for (var i = 0; i < Table.Columns.Count; i++)
        {
            row[i] = PgTextValues.Convert(Table.Columns[i], texts[i], settings, rowSchema.Fields[i].Schema);
        }

        return row;
    }

    private static GenericRecord GenericEnvelope(RecordSchema envelope, GenericRecord? before, GenericRecord? after, SourceBlock source, string op, long now)
    {
        var micros = source.AtMicros;
        return new GenericRecord(envelope)
        {
            ["before"] = before,
            ["after"] = after,
            ["source"] = new GenericRecord((RecordSchema)envelope.GetField("source")!.Schema)
            {
                ["version"] = CaptureSettings.EmulatedDebeziumVersion,
                ["connector"] = "postgresql",
                ["name"] = CaptureSettings.Odoo.TopicPrefix,
                ["ts_ms"] = micros / 1000,
                ["snapshot"] = source.Snapshot,
                ["db"] = "odoo",
                ["sequence"] = source.Sequence,
                ["ts_us"] = micros,
                ["ts_ns"] = micros * 1000,
                ["schema"] = Table.Schema,
                ["table"] = Table.Name,
                ["txId"] = source.TxId,
                ["lsn"] = source.Lsn,
                ["xmin"] = null,
            },
            ["transaction"] = null,
            ["op"] = op,
            ["ts_ms"] = now / 1000,
            ["ts_us"] = now,
            ["ts_ns"] = now * 1000,
        };
    }

    private static byte[] Framed(int id, byte[] payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ConfluentWireFormat.WriteHeader(buffer.GetSpan(ConfluentWireFormat.HeaderSize), id);
        buffer.Advance(ConfluentWireFormat.HeaderSize);
        new AvroBinaryWriter(buffer).WriteFixed(payload);
        return buffer.WrittenSpan.ToArray();
    }
}
