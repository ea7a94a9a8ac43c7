using System.Text.Json.Nodes;
using CdcBridge.Avro.Resolution;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Tests;

/// <summary>The canonical schemas of CdcBridge's own topics (avro/*.avsc).</summary>
public sealed class TopicSchemaTests
{
    public static TheoryData<string> TopicSchemas() =>
        [.. Directory.GetFiles(TestFiles.Path("avro"), "*.avsc").Select(f => Path.GetFileName(f)).Order()];

    [Fact]
    public void Every_topic_of_the_design_has_a_schema()
    {
        TopicSchemas().Select(r => r.Data).Should().Contain(
        [
            "retail.inventory.availability.v1.avsc", "retail.inventory.availability.v1-key.avsc", "retail.order.lifecycle.v1.avsc",
            "retail.fulfillment.v1.avsc", "retail.customer.v1.avsc", "retail.channel.order.v1.avsc",
        ]);
    }

    [Theory]
    [MemberData(nameof(TopicSchemas))]
    public void A_topic_schema_is_a_namespaced_record_with_every_type_and_field_documented(string file)
    {
        var schema = AvroSchema.Parse(TestFiles.Read("avro", file));
        var record = schema.Should().BeOfType<RecordSchema>().Subject;
        record.Name.Namespace.Should().StartWith("retail.");
        var undocumented = new List<string>();
        Visit(record, undocumented, new HashSet<string>());
        undocumented.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(TopicSchemas))]
    public void A_topic_schema_evolves_backward_compatibly_by_an_optional_field_and_not_by_a_required_one(string file)
    {
        var json = TestFiles.Read("avro", file);
        var current = AvroSchema.Parse(json);
        var withOptional = AvroSchema.Parse(AddField(json, """{"name":"added_later","type":["null","string"],"default":null,"doc":"x"}"""));
        var withRequired = AvroSchema.Parse(AddField(json, """{"name":"added_later","type":"string","doc":"x"}"""));

        SchemaCompatibility.CanRead(withOptional, current).IsCompatible.Should().BeTrue();
        SchemaCompatibility.CanRead(withRequired, current).IsCompatible.Should().BeFalse();
    }

    private static string AddField(string json, string field)
    {
        var node = JsonNode.Parse(json)!;
        node["fields"]!.AsArray().Add(JsonNode.Parse(field));
        return node.ToJsonString();
    }

    private static void Visit(AvroSchema schema, List<string> undocumented, HashSet<string> seen)
    {
        switch (schema)
        {
            case RecordSchema r when seen.Add(r.FullName):
                if (string.IsNullOrWhiteSpace(r.Doc))
                {
                    undocumented.Add(r.FullName);
                }

                foreach (var f in r.Fields)
                {
                    if (string.IsNullOrWhiteSpace(f.Doc))
                    {
                        undocumented.Add($"{r.FullName}.{f.Name}");
                    }

                    Visit(f.Schema, undocumented, seen);
                }

                break;
            case NamedSchema n when n is not RecordSchema && seen.Add(n.FullName) && string.IsNullOrWhiteSpace(n.Doc):
                undocumented.Add(n.FullName);
                break;
            case UnionSchema u:
                u.Branches.ToList().ForEach(b => Visit(b, undocumented, seen));
                break;
            case ArraySchema a:
                Visit(a.Items, undocumented, seen);
                break;
            case MapSchema m:
                Visit(m.Values, undocumented, seen);
                break;
        }
    }
}
