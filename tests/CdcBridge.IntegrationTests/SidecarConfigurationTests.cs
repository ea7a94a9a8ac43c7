using System.Reflection;
using System.Text.Json.Nodes;
using CdcBridge.Host.Commands;
using CdcBridge.Host.Configuration;
using CdcBridge.Testing;

namespace CdcBridge.IntegrationTests;

/// <summary>The configuration file of <c>cdcbridge run</c>: the example loads, mistakes are all reported with their path, secrets stay out.</summary>
public sealed class SidecarConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cdcbridge-config").FullName;

    public SidecarConfigurationTests()
    {
        // The example's order intake names these secrets; every test that loads the example needs them.
        Environment.SetEnvironmentVariable("SHOPIFY_APP_SECRET", "app-secret-new");
        Environment.SetEnvironmentVariable("SHOPIFY_APP_SECRET_PREVIOUS", "app-secret-old");
        Environment.SetEnvironmentVariable("ODOO_WRITER_API_KEY", "odoo-key");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_example_configuration_loads_with_its_secrets_from_the_environment()
    {
        var token = UniqueName.For("token");
        Environment.SetEnvironmentVariable("SHOPIFY_NORTHWIND_TOKEN", token);
        Environment.SetEnvironmentVariable("SIDECAR_DB_PASSWORD", "db-secret");
        var path = Write(RepositoryFiles.Read("config", "cdcbridge.example.json"));

        var settings = SidecarConfigurationLoader.Load(path);

        settings.KafkaBootstrap.Should().Be("kafka-1:9092,kafka-2:9092");
        settings.SidecarDatabase.Should().Contain("Password=db-secret");
        var store = settings.Stores.Single();
        store.Store.AccessToken.Should().Be(token);
        store.Store.GraphQlEndpoint.ToString().Should().Be("https://northwind-outdoor.myshopify.com/admin/api/2026-04/graphql.json");
        store.Plan.Should().Be(Channels.Shopify.ShopifyStorePlan.Advanced);
        store.Section.Locations[1].SafetyStockBySku.Should().ContainKey("NW-TENT-2P").WhoseValue.Should().Be(5);
        store.Section.SkuCacheTtl.Should().Be(TimeSpan.FromMinutes(15));
        store.Store.ToString().Should().NotContain(token, "the token never appears in logs");
        settings.Orders.Should().NotBeNull();
        settings.Orders!.WebhookSecrets.Should().Equal("app-secret-new", "app-secret-old");
        settings.Orders.OdooPassword.Should().Be("odoo-key");
        settings.Orders.Section.Odoo.RequestsPerSecond.Should().Be(20);
        settings.Orders.ToString().Should().NotContain("app-secret").And.NotContain("odoo-key");
    }

    [Fact]
    public void Order_intake_mistakes_are_reported_with_their_path()
    {
        var config = JsonNode.Parse(RepositoryFiles.Read("config", "cdcbridge.example.json"))!;
        config["orders"] = JsonNode.Parse("""
            { "webhooks": { "listen": "8088", "path": "webhooks", "secrets": [ "shpss_literal" ] },
              "odoo": { "url": "erp", "requestsPerSecond": 0, "maxInFlight": 0 }, "maxConcurrentOrders": 0 }
            """);

        var error = FluentActions.Invoking(() => SidecarConfigurationLoader.Load(Write(config.ToJsonString()))).Should().Throw<CliError>().Which;

        error.Message.Should().ContainAll(
            "orders.webhooks.listen: an http URL with host and port is required",
            "orders.webhooks.path: a path starting with '/' is required",
            "orders.webhooks.secrets[0]: must name a secret as env:NAME or file:PATH",
            "orders.odoo.url: an absolute http(s) URL is required",
            "orders.odoo.database: required",
            "orders.odoo.login: required",
            "orders.odoo.password: required",
            "orders.odoo.requestsPerSecond: more than 0",
            "orders.odoo.maxInFlight: between 1 and 64",
            "orders.maxConcurrentOrders: between 1 and 64");
        error.Message.Should().NotContain("shpss_literal");
    }

    [Fact]
    public void Every_key_of_the_configuration_is_documented_in_docs_configuration_md()
    {
        var docs = RepositoryFiles.Read("docs", "configuration.md");
        var keys = Keys(typeof(SidecarConfiguration), "").ToList();
        keys.Should().Contain("stores[].locations[].safetyStockBySku");
        foreach (var key in keys)
        {
            docs.Should().Contain($"`{key}`", $"docs/configuration.md documents {key}");
        }
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_path()
    {
        var path = Write("""
            {
              "kafka": {},
              "schemaRegistry": { "url": "schema-registry:8081" },
              "postgres": { "sidecar": "Host=db;Database=cdcbridge;Username=u;Password=hunter2" },
              "capture": { "slotName": "Bad-Slot" },
              "stores": [
                { "shopDomain": "Northwind Outdoor", "apiVersion": "2025-10", "accessToken": "shpat_literal", "plan": "Gold", "safetyStock": -1,
                  "locations": [ { "shopify": "Portland", "warehouses": [] }, { "shopify": "Portland", "warehouses": ["WH"] } ], "orderWarehouse": "XX" }
              ]
            }
            """);

        var error = FluentActions.Invoking(() => SidecarConfigurationLoader.Load(path)).Should().Throw<CliError>().Which;

        error.ExitCode.Should().Be(2);
        error.Message.Should().ContainAll(
            "kafka.bootstrap: required",
            "schemaRegistry.url: an absolute http(s) URL is required",
            "postgres.sidecar: holds a password",
            "capture.odoo: required",
            "capture.slotName: lower-case letters, digits and underscores",
            "stores[0].shopDomain: must be the store's {shop}.myshopify.com domain",
            "stores[0].apiVersion: API version 2025-10 is older than 2026-04",
            "stores[0].accessToken: must name a secret as env:NAME or file:PATH, not hold it",
            "stores[0].plan: one of Standard, Advanced, Plus, Enterprise, not 'Gold'",
            "stores[0].safetyStock: must not be negative",
            "stores[0].locations[0]: name the Odoo stock it sells",
            "stores[0].orderWarehouse: 'XX' is not a warehouse",
            "the Shopify location 'Portland' is mapped 2 times");
        error.Message.Should().NotContain("hunter2").And.NotContain("shpat_literal", "a secret in the file is refused without being echoed");
    }

    [Fact]
    public void An_unknown_key_is_an_error_not_a_silent_default()
    {
        var path = Write("""{ "kafka": { "bootstrap": "k:9092" }, "stores": [ { "shopDomian": "x.myshopify.com" } ] }""");

        FluentActions.Invoking(() => SidecarConfigurationLoader.Load(path)).Should().Throw<CliError>().WithMessage("*shopDomian*");
    }

    [Fact]
    public void A_token_file_is_read_relative_to_the_configuration_and_a_missing_one_is_named()
    {
        File.WriteAllText(Path.Combine(_folder, "token"), "from-file\n");
        var config = JsonNode.Parse(RepositoryFiles.Read("config", "cdcbridge.example.json"))!;
        config["postgres"]!.AsObject().Remove("password");
        config["stores"]![0]!["accessToken"] = "file:token";
        var settings = SidecarConfigurationLoader.Load(Write(config.ToJsonString()));
        settings.Stores[0].Store.AccessToken.Should().Be("from-file");

        config["stores"]![0]!["accessToken"] = "file:missing-token";
        FluentActions.Invoking(() => SidecarConfigurationLoader.Load(Write(config.ToJsonString()))).Should().Throw<CliError>()
            .WithMessage("*stores[0].accessToken: the file missing-token does not exist*");
    }

    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = prefix + char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
            var element = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(List<>)
                ? property.PropertyType.GetGenericArguments()[0]
                : null;
            if (element is not null && element.Namespace == typeof(SidecarConfiguration).Namespace)
            {
                yield return name + "[]";
                foreach (var key in Keys(element, name + "[]."))
                {
                    yield return key;
                }
            }
            else if (property.PropertyType.Namespace == typeof(SidecarConfiguration).Namespace)
            {
                foreach (var key in Keys(property.PropertyType, name + "."))
                {
                    yield return key;
                }
            }
            else
            {
                yield return name;
            }
        }
    }

    private string Write(string json)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
