using System.Diagnostics;
using System.Text.Json.Nodes;
using static CdcBridge.DevStack.Tests.SchemaRegistry.TestSchemas;

namespace CdcBridge.DevStack.Tests.SchemaRegistry;

/// <summary>
/// An independent client against the embedded registry: Debian's <c>python3-confluent-kafka</c> 1.7, whose legacy
/// <c>confluent_kafka.avro.CachedSchemaRegistryClient</c> speaks the REST API through <c>requests</c>.
/// </summary>
public sealed class ConfluentPythonClientTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private const string Script = """
        import json, sys
        from confluent_kafka.avro import CachedSchemaRegistryClient, loads
        from confluent_kafka.avro.error import ClientError

        url, v1_text, v2_text, bad_text = sys.argv[1:5]
        v1, v2, bad = loads(v1_text), loads(v2_text), loads(bad_text)
        writer = CachedSchemaRegistryClient({"url": url})
        out = {}
        out["id"] = writer.register("py-orders-value", v1)
        out["idElsewhere"] = writer.register("py-copies-value", v1)
        out["v2Compatible"] = writer.test_compatibility("py-orders-value", v2)
        out["badCompatible"] = writer.test_compatibility("py-orders-value", bad)
        out["id2"] = writer.register("py-orders-value", v2)
        try:
            writer.register("py-orders-value", bad)
            out["badRegistered"] = True
        except ClientError as e:
            out["badError"] = str(e)

        reader = CachedSchemaRegistryClient({"url": url})  # an empty cache: everything comes from the registry
        out["fetched"] = reader.get_by_id(out["id"]).to_json()
        out["missing"] = reader.get_by_id(987654) is None
        latest_id, latest_schema, latest_version = reader.get_latest_schema("py-orders-value")
        out["latest"] = {"id": latest_id, "version": latest_version, "schema": latest_schema.to_json()}
        out["versionOfV1"] = reader.get_version("py-orders-value", v1)
        out["levelSet"] = reader.update_compatibility("FULL", "py-orders-value")
        out["level"] = reader.get_compatibility("py-orders-value")
        print(json.dumps(out))
        """;

    [Fact]
    public async Task The_confluent_kafka_python_client_registers_schemas_and_fetches_them_back_by_id()
    {
        var output = await RunPythonAsync(
            fixture.Registry.Url, OrderV1, OrderWithDefaultedQuantity, Record("Order", Field("id", "string"), Field("sku", "string")));

        var result = JsonNode.Parse(output)!;
        var id = result["id"]!.GetValue<int>();
        result["idElsewhere"]!.GetValue<int>().Should().Be(id);
        result["v2Compatible"]!.GetValue<bool>().Should().BeTrue();
        result["badCompatible"]!.GetValue<bool>().Should().BeFalse();
        result["id2"]!.GetValue<int>().Should().NotBe(id);
        result["badRegistered"].Should().BeNull();
        result["badError"]!.GetValue<string>().Should().Contain("409");
        JsonNode.DeepEquals(result["fetched"], JsonNode.Parse(OrderV1)).Should().BeTrue(result["fetched"]!.ToJsonString());
        result["missing"]!.GetValue<bool>().Should().BeTrue();
        result["latest"]!["id"]!.GetValue<int>().Should().Be(result["id2"]!.GetValue<int>());
        result["latest"]!["version"]!.GetValue<int>().Should().Be(2);
        JsonNode.DeepEquals(result["latest"]!["schema"], JsonNode.Parse(OrderWithDefaultedQuantity)).Should().BeTrue();
        result["versionOfV1"]!.GetValue<int>().Should().Be(1);
        result["levelSet"]!.GetValue<string>().Should().Be("FULL");
        result["level"]!.GetValue<string>().Should().Be("FULL");
    }

    private static Task<string> RunPythonAsync(params string[] arguments) => DebianPython.RunAsync(Script, arguments, TestContext.Current.CancellationToken);
}
