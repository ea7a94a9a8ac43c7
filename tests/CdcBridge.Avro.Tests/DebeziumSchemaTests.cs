using System.Text.Json.Nodes;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Json;
using CdcBridge.Avro.Resolution;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Tests;

/// <summary>Schemas and records real Debezium pipelines registered and produced (TestData/debezium).</summary>
public sealed class DebeziumSchemaTests
{
    public static TheoryData<string> SchemaFiles() =>
        [.. Directory.GetFiles(TestFiles.Path("TestData", "debezium"), "*.avsc").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(SchemaFiles))]
    public void Debezium_schemas_parse_and_keep_every_connect_property_through_a_write_and_read(string file)
    {
        var original = TestFiles.Read("TestData", "debezium", file);
        var schema = AvroSchema.Parse(original);
        var written = schema.ToJson();
        var reread = AvroSchema.Parse(written);

        reread.ToJson().Should().Be(written, "writing is stable");
        reread.ToCanonicalForm().Should().Be(schema.ToCanonicalForm());
        ConnectProperties(JsonNode.Parse(written)).Should().BeEquivalentTo(ConnectProperties(JsonNode.Parse(original)),
            "connect.name, connect.version, connect.parameters and connect.default survive");
        ConnectProperties(JsonNode.Parse(original)).Should().NotBeEmpty();
    }

    [Fact]
    public void Adding_a_not_null_column_with_a_default_is_a_backward_compatible_evolution_and_old_records_read_with_the_default()
    {
        var v1 = Schema("avro-pg-evolution-dbz2.7.4-t-value-v1.avsc");
        var v2 = Schema("avro-pg-evolution-dbz2.7.4-t-value-v2-add-not-null-default-column.avsc");
        SchemaCompatibility.CanRead(v2, v1).IsCompatible.Should().BeTrue("BACKWARD: the new schema reads old data");

        var records = JsonNode.Parse(TestFiles.Read("TestData", "debezium", "avro-json-pg-evolution-dbz2.7.4-t-records.json"))!.AsArray();
        var old = new GenericDatumWriter(v1).Serialize(AvroJsonDecoder.Decode(v1, records[0]!["value"], AvroJsonStyle.Specification));
        var upgraded = (GenericRecord)new GenericDatumReader(v1, v2).Deserialize(old)!;
        var after = (GenericRecord)upgraded["after"]!;
        after["f4"].Should().Be("99", "the column's default fills records written before it existed");
        after["f2"].Should().Be("zxc");
    }

    [Theory]
    [InlineData("avro-json-pg-orders-dbz1.9.7-records.json", "avro-registered-pg-key-orders-dbz1.9.7.avsc", "avro-registered-pg-envelope-value-orders-dbz1.9.7.avsc", null)]
    [InlineData("avro-json-pg-evolution-dbz2.7.4-t-records.json", "avro-pg-evolution-dbz2.7.4-t-key.avsc", "avro-pg-evolution-dbz2.7.4-t-value-v1.avsc", "avro-pg-evolution-dbz2.7.4-t-value-v2-add-not-null-default-column.avsc")]
    public void Debezium_records_survive_json_to_binary_to_json(string recordsFile, string keyFile, string valueFile, string? laterValueFile)
    {
        var key = Schema(keyFile);
        var records = JsonNode.Parse(TestFiles.Read("TestData", "debezium", recordsFile))!.AsArray();
        for (var i = 0; i < records.Count; i++)
        {
            // The evolution file's second record was written after the ADD COLUMN, with the v2 value schema.
            var value = laterValueFile is not null && i > 0 ? Schema(laterValueFile) : Schema(valueFile);
            foreach (var (schema, node) in new[] { (key, records[i]!["key"]), (value, records[i]!["value"]) })
            {
                if (node is null)
                {
                    continue; // the tombstone after a delete
                }

                var binary = new GenericDatumWriter(schema).Serialize(AvroJsonDecoder.Decode(schema, node, AvroJsonStyle.Specification));
                var back = new GenericDatumReader(schema).Deserialize(binary);
                JsonNode.DeepEquals(JsonNode.Parse(AvroJsonEncoder.Encode(schema, back, AvroJsonStyle.Specification)), node)
                    .Should().BeTrue($"record {i} of {recordsFile} comes back as it was");
            }
        }
    }

    private static AvroSchema Schema(string file) => AvroSchema.Parse(TestFiles.Read("TestData", "debezium", file));

    private static List<string> ConnectProperties(JsonNode? node)
    {
        var found = new List<string>();
        Walk(node, found);
        return found;

        static void Walk(JsonNode? node, List<string> found)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (k, v) in obj)
                    {
                        if (k.StartsWith("connect.", StringComparison.Ordinal))
                        {
                            found.Add($"{k}={v?.ToJsonString()}");
                        }

                        Walk(v, found);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Walk(item, found);
                    }

                    break;
            }
        }
    }
}
