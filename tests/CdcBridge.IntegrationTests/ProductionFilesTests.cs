using System.Text.Json.Nodes;
using CdcBridge.Debezium;
using YamlDotNet.RepresentationModel;

namespace CdcBridge.IntegrationTests;

/// <summary>
/// docker-compose.yml and connect/ cannot run here (no Docker engine), so their structure is checked: the services a
/// production-like setup needs, images pinned to versions, loopback ports, health checks, and wiring to connect/.
/// </summary>
public sealed class ProductionFilesTests
{
    private static readonly YamlMappingNode Services = LoadServices();

    [Fact]
    public void Compose_has_postgres_kafka_registry_connect_the_seed_and_the_sidecar()
    {
        Services.Children.Keys.Select(k => k.ToString()).Should().BeEquivalentTo(
            ["postgres", "odoo-seed", "kafka", "schema-registry", "connect", "sidecar"]);
    }

    [Fact]
    public void Every_image_is_pinned_to_a_version_and_every_port_binds_to_loopback()
    {
        foreach (var (name, service) in All())
        {
            var image = Scalar(service, "image");
            image.Should().NotBeNull($"{name} names its image");
            image.Should().Contain(":", $"{name} pins a tag").And.NotEndWith(":latest");
            foreach (var port in Sequence(service, "ports"))
            {
                port.Should().StartWith("127.0.0.1:", $"{name} exposes {port} on loopback only");
            }
        }
    }

    [Fact]
    public void Long_running_services_have_health_checks_and_start_in_dependency_order()
    {
        foreach (var (name, service) in All().Where(s => s.Name != "odoo-seed"))
        {
            service.Children.ContainsKey("healthcheck").Should().BeTrue($"{name} reports its health");
        }

        Mapping(Mapping(Service("connect"), "depends_on")!, "postgres").Should().NotBeNull();
        Scalar(Mapping(Mapping(Service("sidecar"), "depends_on")!, "odoo-seed")!, "condition").Should().Be("service_completed_successfully");
    }

    [Fact]
    public void Postgres_runs_with_logical_wal_and_connect_gets_the_connector_config_and_the_registry()
    {
        Sequence(Service("postgres"), "command").Should().Contain("wal_level=logical");
        Sequence(Service("connect"), "volumes").Should().Contain(v => v.StartsWith("./connect:", StringComparison.Ordinal));
        Scalar(Mapping(Service("connect"), "environment")!, "CDCBRIDGE_SCHEMA_REGISTRY_URL").Should().Be("http://schema-registry:8081");
        Scalar(Service("connect"), "image").Should().Contain(CaptureSettings.EmulatedDebeziumVersion, "production runs the Debezium the embedded capture emulates");
    }

    [Fact]
    public void Connect_register_puts_the_connector_config_from_connect()
    {
        var makefile = RepositoryFiles.Read("Makefile");
        makefile.Should().Contain("connect-register:").And.Contain("connect/odoo-connector.json").And.Contain("-X PUT");
        var connector = JsonNode.Parse(RepositoryFiles.Read("connect", "odoo-connector.json"))!;
        CaptureSettings.FromConnectorConfig(connector.ToJsonString()).Should().BeEquivalentTo(CaptureSettings.Odoo,
            "the file in the checkout is the one built into the embedded capture");
        connector["config"]!["database.password"]!.GetValue<string>().Should().StartWith("${file:", "no credential in the repository");
    }

    private static IEnumerable<(string Name, YamlMappingNode Service)> All() =>
        Services.Children.Select(p => (p.Key.ToString(), (YamlMappingNode)p.Value));

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services.Children[new YamlScalarNode(name)];

    private static YamlMappingNode? Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode seq
            ? seq.Children.Select(c => c.ToString()).ToList()
            : [];

    private static YamlMappingNode LoadServices()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(RepositoryFiles.Read("docker-compose.yml")));
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("services")];
    }
}
