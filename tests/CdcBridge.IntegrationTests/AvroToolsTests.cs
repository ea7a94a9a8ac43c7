using System.Text.Json.Nodes;
using CdcBridge.Testing;

namespace CdcBridge.IntegrationTests;

/// <summary>
/// <c>cdcbridge topics</c> and <c>schemas</c> against the embedded broker and registry, checked by an independent
/// client: Debian's python3-confluent-kafka legacy AvroProducer/AvroConsumer.
/// </summary>
public sealed class AvroToolsTests(RunningStack stack) : IClassFixture<RunningStack>
{
    private static readonly string InteropSchema = Path.Combine(AppContext.BaseDirectory, "Python", "interop.avsc");

    [Fact]
    public async Task Records_a_python_avro_producer_wrote_read_back_through_topics_tail()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = UniqueName.For("interop-in");
        await PythonAsync("produce", [topic, InteropSchema], ct);

        var (exitCode, output) = await CdcBridgeProcess.RunAsync(ct, ["topics", "tail", topic, "--from-beginning", "--max", "2", .. stack.Where]);

        exitCode.Should().Be(0, output);
        // Keyless records land on any of the auto-created topic's partitions: order them by SKU, not by arrival.
        var records = JsonLines(output).OrderByDescending(r => r["value"]!["sku"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
        records.Should().HaveCount(2);
        var first = records[0]["value"]!;
        first["name"]!.GetValue<string>().Should().Be("Grüße aus Köln – 東京");
        first["price"]!.GetValue<string>().Should().Be("1234.5000", "decimals print as exact decimal strings");
        first["at"]!.GetValue<string>().Should().Be("2026-11-22T10:30:15.123456Z");
        first["state"]!.GetValue<string>().Should().Be("DONE");
        first["stock"]!["EU"]!.GetValue<long>().Should().Be(-3);
        first["note"].Should().BeNull();
        first["big"]!.GetValue<long>().Should().Be(9007199254740993L, "longs beyond 2^53 stay exact");
        var second = records[1]["value"]!;
        second["note"]!["string"]!.GetValue<string>().Should().Be("fragile", "union values are wrapped as Avro JSON");
        second["big"]!.GetValue<long>().Should().Be(long.MinValue);
        records[0]["valueSchemaId"]!.GetValue<int>().Should().BePositive();
        records[0]["partition"].Should().NotBeNull();
        records[0]["offset"].Should().NotBeNull();
    }

    [Fact]
    public async Task Records_written_with_topics_produce_are_read_by_a_python_avro_consumer()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = UniqueName.For("interop-out");
        const string lines = """
            {"sku":"TEE-1","name":"Grüße – 東京","price":"1234.5000","at":"2026-11-22T10:30:15.123456Z","state":"DONE","stock":{"WH":7},"note":null,"big":9007199254740993}
            {"sku":"MUG-2","name":"ünïcödé","price":"-0.0001","at":"1999-12-31T23:59:59.000001Z","state":"DRAFT","stock":{},"note":{"string":"fragile"},"big":-9223372036854775808}
            """;

        var (exitCode, output) = await CdcBridgeProcess.RunAsync(lines, ct, ["topics", "produce", topic, "--value-schema", InteropSchema, "--create", .. stack.Where]);
        exitCode.Should().Be(0, output);
        output.Should().Contain($"Produced 2 records to {topic}.");

        var consumed = JsonLines(await PythonAsync("consume", [topic, "2"], ct))
            .OrderByDescending(r => r["sku"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
        consumed.Should().HaveCount(2);
        consumed[0]["name"]!.GetValue<string>().Should().Be("Grüße – 東京");
        consumed[0]["price"]!.GetValue<string>().Should().Be("1234.5000");
        consumed[0]["at"]!.GetValue<string>().Should().Be("2026-11-22T10:30:15.123456Z");
        consumed[0]["big"]!.GetValue<long>().Should().Be(9007199254740993L);
        consumed[0]["stock"]!["WH"]!.GetValue<long>().Should().Be(7);
        consumed[1]["note"]!.GetValue<string>().Should().Be("fragile");
        consumed[1]["state"]!.GetValue<string>().Should().Be("DRAFT");
        consumed[1]["price"]!.GetValue<string>().Should().Be("-0.0001");
    }

    [Fact]
    public async Task Topics_produce_names_a_bad_line_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = UniqueName.For("bad-input");
        const string lines = """
            {"sku":"A","name":"ok","price":"1.0000","at":"2026-01-01T00:00:00Z","state":"DONE","stock":{},"note":null,"big":1}
            {"sku":"B","name":"bad","price":"1.0000","at":"2026-01-01T00:00:00Z","state":"SHIPPED","stock":{},"note":null,"big":1}
            """;

        var (exitCode, output) = await CdcBridgeProcess.RunAsync(lines, ct, ["topics", "produce", topic, "--value-schema", InteropSchema, "--create", .. stack.Where]);

        exitCode.Should().Be(1);
        output.Should().Contain("line 2: state: 'SHIPPED' is not a symbol of enum cdcbridge.test.State").And.Contain("nothing was produced");
        var (listCode, topics) = await CdcBridgeProcess.RunAsync(ct, ["topics", "list", .. stack.Where]);
        listCode.Should().Be(0);
        topics.Should().NotContain(topic);
    }

    [Fact]
    public async Task Bad_schema_files_and_unknown_topics_get_a_clear_message_and_a_non_zero_exit()
    {
        var ct = TestContext.Current.CancellationToken;
        var badSchema = Path.Combine(stack.StateDirectory, "bad.avsc");
        await File.WriteAllTextAsync(badSchema, """{"type":"record","name":"R","fields":[{"name":"a","type":"integer"}]}""", ct);

        var (schemaCode, schemaOutput) = await CdcBridgeProcess.RunAsync("", ct, ["topics", "produce", "x", "--value-schema", badSchema, .. stack.Where]);
        schemaCode.Should().Be(2);
        schemaOutput.Should().Contain("bad.avsc is not a valid Avro schema").And.Contain("'integer'");

        var (tailCode, tailOutput) = await CdcBridgeProcess.RunAsync(ct, ["topics", "tail", "no-such-topic", "--max", "1", .. stack.Where]);
        tailCode.Should().Be(1);
        tailOutput.Should().Contain("topic 'no-such-topic' does not exist");

        var (produceCode, produceOutput) = await CdcBridgeProcess.RunAsync("{}", ct, ["topics", "produce", "no-such-topic", "--value-schema", InteropSchema, .. stack.Where]);
        produceCode.Should().Be(1);
        produceOutput.Should().Contain("topic 'no-such-topic' does not exist");
    }

    [Fact]
    public async Task The_stack_registers_cdcbridges_topic_schemas_and_schemas_get_shows_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var (listCode, list) = await CdcBridgeProcess.RunAsync(ct, ["schemas", "list", .. stack.Where]);
        listCode.Should().Be(0, list);
        list.Should().Contain("retail.inventory.availability.v1-value").And.Contain("retail.inventory.availability.v1-key")
            .And.Contain("retail.order.lifecycle.v1-value").And.Contain("retail.fulfillment.v1-value")
            .And.Contain("retail.customer.v1-value").And.Contain("retail.channel.order.v1-value");

        var (getCode, get) = await CdcBridgeProcess.RunAsync(ct, ["schemas", "get", "retail.inventory.availability.v1-value", .. stack.Where]);
        getCode.Should().Be(0, get);
        var shown = JsonNode.Parse(get[get.IndexOf('{', StringComparison.Ordinal)..])!;
        shown["version"]!.GetValue<int>().Should().Be(1);
        shown["schema"]!["name"]!.GetValue<string>().Should().Be("Availability");

        var (missingCode, missing) = await CdcBridgeProcess.RunAsync(ct, ["schemas", "get", "no-such-subject", .. stack.Where]);
        missingCode.Should().Be(1);
        missing.Should().Contain("40401");
    }

    private static List<JsonNode> JsonLines(string output) =>
        output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!).ToList();

    private Task<string> PythonAsync(string mode, string[] args, CancellationToken ct) =>
        ConfluentPython.RunAsync([mode, stack.Endpoints.Kafka.Bootstrap, stack.Endpoints.SchemaRegistry!.Url, .. args], ct);
}
