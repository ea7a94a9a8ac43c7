using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Json;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Tests;

/// <summary>The specification's own encoding examples (Avro 1.11, "Binary Encoding") and every logical type.</summary>
public sealed class BinaryEncodingTests
{
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(-1L, "01")]
    [InlineData(1L, "02")]
    [InlineData(-2L, "03")]
    [InlineData(2L, "04")]
    [InlineData(-64L, "7F")]
    [InlineData(64L, "8001")]
    [InlineData(long.MaxValue, "FEFFFFFFFFFFFFFFFF01")]
    [InlineData(long.MinValue, "FFFFFFFFFFFFFFFFFF01")]
    public void Longs_are_zigzag_varints(long value, string hex) => RoundTrip("\"long\"", value, hex);

    [Theory]
    [InlineData(int.MaxValue, "FEFFFFFF0F")]
    [InlineData(int.MinValue, "FFFFFFFF0F")]
    public void Ints_are_zigzag_varints(int value, string hex) => RoundTrip("\"int\"", value, hex);

    [Fact]
    public void The_specifications_examples_encode_byte_for_byte()
    {
        RoundTrip("\"string\"", "foo", "06666F6F");
        RoundTrip("\"boolean\"", true, "01");
        RoundTrip("\"float\"", 1.5f, "0000C03F");
        RoundTrip("\"double\"", 1.5d, "000000000000F83F");
        RoundTrip("\"bytes\"", new byte[] { 1, 2 }, "040102");
        var record = AvroSchema.Parse("""{"type":"record","name":"test","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}""");
        var value = new GenericRecord((RecordSchema)record) { ["a"] = 27L, ["b"] = "foo" };
        Hex(record, value).Should().Be("3606666F6F");
        RoundTrip("""{"type":"array","items":"long"}""", new List<object?> { 3L, 27L }, "04063600");
        RoundTrip("""{"type":"map","values":"long"}""", new Dictionary<string, object?> { ["a"] = 1L }, "0202610200");
        RoundTrip("""["null","string"]""", null, "00");
        RoundTrip("""["null","string"]""", "a", "020261");
        var fixedSchema = AvroSchema.Parse("""{"type":"fixed","name":"md5","size":2}""");
        Hex(fixedSchema, new byte[] { 0xAB, 0xCD }).Should().Be("ABCD");
        var e = (EnumSchema)AvroSchema.Parse("""{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS"]}""");
        Hex(e, new GenericEnumSymbol(e, "HEARTS")).Should().Be("02");
    }

    [Fact]
    public void Negative_block_counts_carry_a_byte_size_and_are_read_as_blocks()
    {
        var schema = AvroSchema.Parse("""{"type":"array","items":"long"}""");
        // -2 items (zigzag 03), block size 2 bytes (04), items 3 and 27, then end: as Java writes blocked arrays.
        var value = new GenericDatumReader(schema).Deserialize(Convert.FromHexString("0304063600"));
        value.Should().BeEquivalentTo(new List<object?> { 3L, 27L });
    }

    [Fact]
    public void Decimals_on_bytes_and_fixed_are_twos_complement_big_endian_and_exact()
    {
        var onBytes = AvroSchema.Parse("""{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}""");
        Hex(onBytes, 12.34m).Should().Be("0404D2"); // 1234 = 0x04D2
        Hex(onBytes, -0.01m).Should().Be("02FF");
        Read(onBytes, Convert.FromHexString("0404D2")).Should().Be(new AvroDecimal(1234, 2));
        Read(onBytes, Convert.FromHexString("0404D2"))!.ToString().Should().Be("12.34");

        var onFixed = AvroSchema.Parse("""{"type":"fixed","name":"d","size":4,"logicalType":"decimal","precision":9,"scale":3}""");
        Hex(onFixed, -1.5m).Should().Be("FFFFFA24"); // -1500
        Read(onFixed, Convert.FromHexString("FFFFFA24")).Should().Be(new AvroDecimal(-1500, 3));

        var huge = AvroSchema.Parse("""{"type":"bytes","logicalType":"decimal","precision":40,"scale":5}""");
        var big = AvroDecimal.Parse("12345678901234567890123456789012345.67891");
        Read(huge, new GenericDatumWriter(huge).Serialize(big)).Should().Be(big, "precision beyond System.Decimal stays exact");

        var tooPrecise = () => Hex(onBytes, 1.234m);
        tooPrecise.Should().Throw<AvroTypeException>().WithMessage("*more than the 2 decimal places*");
        var tooBig = () => Hex(onBytes, 12345678.9m);
        tooBig.Should().Throw<AvroTypeException>().WithMessage("*more than the 9 digits*");
    }

    [Theory]
    [InlineData("12.340", "12340", 3)]
    [InlineData("-0.001", "-1", 3)]
    [InlineData("+7", "7", 0)]
    [InlineData(".5", "5", 1)]
    [InlineData("999999999999999999", "999999999999999999", 0)]
    [InlineData("9999999999999999999", "9999999999999999999", 0)]
    [InlineData("-123456789012345678901234567890.5", "-1234567890123456789012345678905", 1)]
    [InlineData("1.5E3", "1500", 0)]
    public void Decimal_text_parses_exactly_on_the_fast_and_the_general_path(string text, string unscaled, int scale)
    {
        var value = AvroDecimal.Parse(text);
        value.Unscaled.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be(unscaled);
        value.Scale.Should().Be(scale);
    }

    [Fact]
    public void Dates_times_timestamps_and_uuids_map_to_dotnet_types()
    {
        var date = AvroSchema.Parse("""{"type":"int","logicalType":"date"}""");
        Hex(date, new DateOnly(1970, 1, 2)).Should().Be("02");
        Read(date, Convert.FromHexString("02")).Should().Be(new DateOnly(1970, 1, 2));

        var millis = AvroSchema.Parse("""{"type":"int","logicalType":"time-millis"}""");
        Read(millis, new GenericDatumWriter(millis).Serialize(new TimeOnly(12, 34, 56, 789))).Should().Be(new TimeOnly(12, 34, 56, 789));
        var micros = AvroSchema.Parse("""{"type":"long","logicalType":"time-micros"}""");
        Read(micros, new GenericDatumWriter(micros).Serialize(new TimeOnly(1, 2, 3, 4, 5))).Should().Be(new TimeOnly(1, 2, 3, 4, 5));

        var instant = new DateTime(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234560);
        var tsMicros = AvroSchema.Parse("""{"type":"long","logicalType":"timestamp-micros"}""");
        Read(tsMicros, new GenericDatumWriter(tsMicros).Serialize(instant)).Should().Be(instant);
        var tsMillis = AvroSchema.Parse("""{"type":"long","logicalType":"timestamp-millis"}""");
        Read(tsMillis, new GenericDatumWriter(tsMillis).Serialize(instant)).Should().Be(instant.AddTicks(-4560), "millis drop the sub-millisecond part");
        var local = AvroSchema.Parse("""{"type":"long","logicalType":"local-timestamp-micros"}""");
        ((DateTime)Read(local, new GenericDatumWriter(local).Serialize(instant))!).Kind.Should().Be(DateTimeKind.Unspecified);
        Read(tsMicros, new GenericDatumWriter(PrimitiveSchema.Long).Serialize(long.MaxValue)).Should().Be(long.MaxValue, "beyond DateTime the raw value is kept");

        var uuid = AvroSchema.Parse("""{"type":"string","logicalType":"uuid"}""");
        var guid = Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        Read(uuid, new GenericDatumWriter(uuid).Serialize(guid)).Should().Be(guid);
    }

    [Fact]
    public void Unknown_and_invalid_logical_types_fall_back_to_the_base_type_and_keep_their_attributes()
    {
        var unknown = AvroSchema.Parse("""{"type":"long","logicalType":"moon-phase","connect.name":"x"}""");
        unknown.LogicalType.Should().BeNull();
        Read(unknown, Convert.FromHexString("04")).Should().Be(2L);
        unknown.ToJson().Should().Be("""{"type":"long","logicalType":"moon-phase","connect.name":"x"}""");

        var invalid = AvroSchema.Parse("""{"type":"bytes","logicalType":"decimal","precision":2,"scale":3}""");
        invalid.LogicalType.Should().BeNull("scale above precision makes the decimal invalid");
        Read(invalid, Convert.FromHexString("0201")).Should().BeEquivalentTo(new byte[] { 1 });
    }

    [Fact]
    public void Json_encoding_wraps_union_values_and_reads_both_styles_back()
    {
        var schema = AvroSchema.Parse("""
            {"type":"record","name":"r","fields":[
              {"name":"opt","type":["null","long"]},
              {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
              {"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}},
              {"name":"raw","type":"bytes"},
              {"name":"tags","type":{"type":"map","values":"string"}}]}
            """);
        var value = new GenericRecord((RecordSchema)schema)
        {
            ["opt"] = 5L,
            ["amount"] = new AvroDecimal(1050, 2),
            ["at"] = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            ["raw"] = new byte[] { 0, 0xFF },
            ["tags"] = new Dictionary<string, object?> { ["k"] = "Grüße" },
        };

        var readable = AvroJsonEncoder.Encode(schema, value);
        readable.Should().Be("""{"opt":{"long":5},"amount":"10.50","at":"2026-01-02T03:04:05.000000Z","raw":"\u0000ÿ","tags":{"k":"Grüße"}}""");
        var spec = AvroJsonEncoder.Encode(schema, value, AvroJsonStyle.Specification);
        spec.Should().Contain("\"at\":1767323045000000");

        foreach (var (json, style) in new[] { (readable, AvroJsonStyle.Readable), (spec, AvroJsonStyle.Specification) })
        {
            var back = (GenericRecord)AvroJsonDecoder.Decode(schema, json, style)!;
            new GenericDatumWriter(schema).Serialize(back).Should().Equal(new GenericDatumWriter(schema).Serialize(value));
        }
    }

    [Fact]
    public void Json_input_errors_name_the_field_and_the_problem()
    {
        var schema = AvroSchema.Parse("""{"type":"record","name":"r","fields":[{"name":"qty","type":"int"},{"name":"sku","type":"string"}]}""");
        var wrongType = () => AvroJsonDecoder.Decode(schema, """{"qty":"seven","sku":"A"}""");
        wrongType.Should().Throw<AvroTypeException>().WithMessage("qty: expected an int*\"seven\"*");
        var missing = () => AvroJsonDecoder.Decode(schema, """{"qty":7}""");
        missing.Should().Throw<AvroTypeException>().WithMessage("sku: is missing and has no default");
        var extra = () => AvroJsonDecoder.Decode(schema, """{"qty":7,"sku":"A","colour":"red"}""");
        extra.Should().Throw<AvroTypeException>().WithMessage("colour: is not a field of record r");
    }

    private static void RoundTrip(string schemaJson, object? value, string hex)
    {
        var schema = AvroSchema.Parse(schemaJson);
        Hex(schema, value).Should().Be(hex);
        var back = Read(schema, Convert.FromHexString(hex));
        back.Should().BeEquivalentTo(value);
    }

    private static string Hex(AvroSchema schema, object? value) => Convert.ToHexString(new GenericDatumWriter(schema).Serialize(value));

    private static object? Read(AvroSchema schema, byte[] data) => new GenericDatumReader(schema).Deserialize(data);
}
