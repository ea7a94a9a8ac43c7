using System.Text.Json.Nodes;
using CdcBridge.Avro.Binary;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Resolution;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Tests;

/// <summary>Reading data written with one schema through another (specification, "Schema Resolution").</summary>
public sealed class ResolutionTests
{
    private const string V1 = """
        {"type":"record","name":"Quant","namespace":"odoo","fields":[
          {"name":"id","type":"int"},
          {"name":"qty","type":"float"},
          {"name":"state","type":{"type":"enum","name":"State","symbols":["draft","done","cancel"]}},
          {"name":"note","type":"string"},
          {"name":"tags","type":{"type":"array","items":"string"}}]}
        """;

    [Fact]
    public void A_newer_reader_promotes_types_fills_defaults_skips_dropped_fields_and_follows_aliases()
    {
        const string v2 = """
            {"type":"record","name":"StockQuant","namespace":"odoo","aliases":["Quant"],"fields":[
              {"name":"quant_id","type":"long","aliases":["id"]},
              {"name":"qty","type":"double"},
              {"name":"state","type":{"type":"enum","name":"State","symbols":["draft","done","UNKNOWN"],"default":"UNKNOWN"}},
              {"name":"lot","type":["null","string"],"default":null},
              {"name":"tags","type":{"type":"array","items":"bytes"}},
              {"name":"origin","type":"string","default":"odoo"}]}
            """;
        var writer = AvroSchema.Parse(V1);
        var reader = AvroSchema.Parse(v2);
        var written = new GenericDatumWriter(writer).Serialize(new Dictionary<string, object?>
        {
            ["id"] = 7,
            ["qty"] = 2.5f,
            ["state"] = "cancel",
            ["note"] = "dropped by the reader",
            ["tags"] = new List<object?> { "a" },
        });

        var record = (GenericRecord)new GenericDatumReader(writer, reader).Deserialize(written)!;

        record["quant_id"].Should().Be(7L);
        record["qty"].Should().Be(2.5d);
        ((GenericEnumSymbol)record["state"]!).Symbol.Should().Be("UNKNOWN", "an unknown symbol reads as the reader's enum default");
        record["lot"].Should().BeNull();
        record["tags"].Should().BeEquivalentTo(new List<object?> { "a"u8.ToArray() });
        record["origin"].Should().Be("odoo");
        SchemaCompatibility.CanRead(reader, writer).IsCompatible.Should().BeTrue();
    }

    [Fact]
    public void A_reader_field_without_default_that_the_writer_lacks_makes_the_pair_unreadable()
    {
        var reader = AvroSchema.Parse("""{"type":"record","name":"Quant","namespace":"odoo","fields":[{"name":"id","type":"int"},{"name":"company","type":"int"}]}""");
        var writer = AvroSchema.Parse(V1);
        var build = () => new GenericDatumReader(writer, reader);
        build.Should().Throw<AvroSchemaException>().WithMessage("*company*no default*");
        SchemaCompatibility.CanRead(reader, writer).Problems.Should().ContainSingle().Which.Should().Contain("company");
    }

    [Fact]
    public void Writer_and_reader_unions_resolve_branch_by_branch()
    {
        var writer = AvroSchema.Parse("""["null","int","string"]""");
        var reader = AvroSchema.Parse("""["string","null","long"]""");
        var read = new GenericDatumReader(writer, reader);
        read.Deserialize(new GenericDatumWriter(writer).Serialize(5)).Should().Be(5L);
        read.Deserialize(new GenericDatumWriter(writer).Serialize("x")).Should().Be("x");
        read.Deserialize(new GenericDatumWriter(writer).Serialize(null)).Should().BeNull();

        var narrow = AvroSchema.Parse("""["null","long"]""");
        var partial = new GenericDatumReader(writer, narrow);
        partial.Deserialize(new GenericDatumWriter(writer).Serialize(5)).Should().Be(5L, "readable branches still read");
        var unreadable = () => partial.Deserialize(new GenericDatumWriter(writer).Serialize("x"));
        unreadable.Should().Throw<AvroDecodeException>().WithMessage("*string*");
        SchemaCompatibility.CanRead(narrow, writer).IsCompatible.Should().BeFalse();
    }

    [Fact]
    public void An_enum_symbol_unknown_to_a_reader_without_default_fails_when_met()
    {
        var writer = AvroSchema.Parse("""{"type":"enum","name":"E","symbols":["A","B"]}""");
        var reader = AvroSchema.Parse("""{"type":"enum","name":"E","symbols":["A"]}""");
        var read = new GenericDatumReader(writer, reader);
        ((GenericEnumSymbol)read.Deserialize([0])!).Symbol.Should().Be("A");
        var act = () => read.Deserialize([2]);
        act.Should().Throw<AvroDecodeException>().WithMessage("*'B'*");
        SchemaCompatibility.CanRead(reader, writer).IsCompatible.Should().BeFalse();
    }

    [Fact]
    public void Recursive_records_resolve_and_check_without_looping()
    {
        const string list = """{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}""";
        const string wider = """{"type":"record","name":"Node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"]},{"name":"w","type":"int","default":0}]}""";
        var writer = AvroSchema.Parse(list);
        var reader = AvroSchema.Parse(wider);
        var value = new Dictionary<string, object?> { ["v"] = 1, ["next"] = new GenericRecord((RecordSchema)writer) { ["v"] = 2, ["next"] = null } };
        var record = (GenericRecord)new GenericDatumReader(writer, reader).Deserialize(new GenericDatumWriter(writer).Serialize(value))!;
        ((GenericRecord)record["next"]!)["v"].Should().Be(2L);
        SchemaCompatibility.CanRead(reader, writer).IsCompatible.Should().BeTrue();
    }

    public static TheoryData<int, string, bool, string> ConfluentCases()
    {
        var data = new TheoryData<int, string, bool, string>();
        var doc = JsonNode.Parse(TestFiles.Read("TestData", "schema-registry", "avro-compatibility-cases.json"))!;
        var i = 0;
        foreach (var c in doc["cases"]!.AsArray())
        {
            data.Add(i++, c!["level"]!.GetValue<string>(), c["compatible"]!.GetValue<bool>(), c["why"]?.GetValue<string>() ?? "");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ConfluentCases))]
    public void Compatibility_decisions_match_confluents_checker(int index, string level, bool compatible, string why)
    {
        var doc = JsonNode.Parse(TestFiles.Read("TestData", "schema-registry", "avro-compatibility-cases.json"))!;
        var schemas = doc["schemas"]!.AsObject();
        var c = doc["cases"]![index]!;
        AvroSchema Schema(string name) => AvroSchema.Parse(schemas[name]!.ToJsonString());
        var newSchema = Schema(c["new"]!.GetValue<string>());
        var previous = c["previous"]!.AsArray().Select(p => Schema(p!.GetValue<string>())).ToList();

        var checkedAgainst = level.EndsWith("_TRANSITIVE", StringComparison.Ordinal) ? previous : [previous[^1]];
        var kind = level.Replace("_TRANSITIVE", "", StringComparison.Ordinal);
        var ok = checkedAgainst.All(old => kind switch
        {
            "BACKWARD" => SchemaCompatibility.CanRead(newSchema, old).IsCompatible,
            "FORWARD" => SchemaCompatibility.CanRead(old, newSchema).IsCompatible,
            "FULL" => SchemaCompatibility.CanRead(newSchema, old).IsCompatible && SchemaCompatibility.CanRead(old, newSchema).IsCompatible,
            _ => true,
        });

        ok.Should().Be(compatible, why);
    }
}
