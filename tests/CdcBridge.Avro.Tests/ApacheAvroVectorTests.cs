using System.Text.Json.Nodes;
using CdcBridge.Avro.Binary;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Tests;

/// <summary>Apache Avro's own cross-language vectors (TestData/apache-avro, Apache-2.0).</summary>
public sealed class ApacheAvroVectorTests
{
    public static TheoryData<string, string, string, long?> CanonicalVectors()
    {
        var data = new TheoryData<string, string, string, long?>();
        foreach (var (id, fields) in ParseSchemaTests(TestFiles.Read("TestData", "apache-avro", "schema-tests.txt")))
        {
            data.Add(id, fields["INPUT"], fields["canonical"], fields.TryGetValue("fingerprint", out var fp) ? long.Parse(fp, System.Globalization.CultureInfo.InvariantCulture) : null);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Parsing_canonical_form_and_fingerprint_match_apache_avro(string id, string input, string canonical, long? fingerprint)
    {
        // Vector 026 carries "default": "true" for a boolean; canonical form ignores defaults, so do not validate them.
        var schema = AvroSchemaParser.Parse(input, null, validateDefaults: false);
        schema.ToCanonicalForm().Should().Be(canonical, $"vector {id}");
        if (fingerprint is not null)
        {
            schema.Fingerprint64.Should().Be(fingerprint.Value, $"vector {id}");
        }

        AvroSchemaParser.Parse(schema.ToJson(), null, validateDefaults: false).ToCanonicalForm().Should().Be(canonical, "writing and re-reading the schema keeps its meaning");
    }

    public static TheoryData<string, string, string> RejectionVectors()
    {
        var data = new TheoryData<string, string, string>();
        var doc = JsonNode.Parse(TestFiles.Read("TestData", "apache-avro", "binary-rejections.json"))!;
        foreach (var v in doc["vectors"]!.AsArray())
        {
            data.Add(v!["name"]!.GetValue<string>(), v["schema"]!.GetValue<string>(), v["bytesHex"]!.GetValue<string>());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RejectionVectors))]
    public void Malformed_binary_is_rejected_with_a_bounded_decode_error(string name, string schema, string hex)
    {
        var reader = new GenericDatumReader(AvroSchema.Parse(schema));
        var act = () => reader.Deserialize(Convert.FromHexString(hex));
        act.Should().Throw<AvroDecodeException>(name).Which.Message.Should().StartWith("Invalid Avro data at byte");
    }

    /// <summary>The vectors file: "// NNN" starts an item; "&lt;&lt;KEY value" or "&lt;&lt;KEY" ... "KEY" (multi-line).</summary>
    private static IEnumerable<(string Id, Dictionary<string, string> Fields)> ParseSchemaTests(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        string? id = null;
        var fields = new Dictionary<string, string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("// ", StringComparison.Ordinal) && line.Length == 6 && line[3..].All(char.IsAsciiDigit))
            {
                if (id is not null && fields.ContainsKey("INPUT") && fields.ContainsKey("canonical"))
                {
                    yield return (id, fields);
                }

                (id, fields) = (line[3..], new Dictionary<string, string>());
            }
            else if (line.StartsWith("<<", StringComparison.Ordinal))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0)
                {
                    fields[line[2..space]] = line[(space + 1)..];
                }
                else
                {
                    var key = line[2..];
                    var body = new List<string>();
                    while (++i < lines.Length && lines[i] != key)
                    {
                        body.Add(lines[i]);
                    }

                    fields[key] = string.Join('\n', body);
                }
            }
        }

        if (id is not null && fields.ContainsKey("INPUT") && fields.ContainsKey("canonical"))
        {
            yield return (id, fields);
        }
    }
}
