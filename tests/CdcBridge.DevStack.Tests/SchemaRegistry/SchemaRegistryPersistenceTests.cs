using System.Net;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.SchemaRegistry;
using CdcBridge.Testing;
using Npgsql;
using static CdcBridge.DevStack.Tests.SchemaRegistry.TestSchemas;

namespace CdcBridge.DevStack.Tests.SchemaRegistry;

/// <summary>Schemas live in PostgreSQL: they survive a restart, and registries sharing a database agree.</summary>
public sealed class SchemaRegistryPersistenceTests(InfrastructureFixture fixture)
{
    private readonly ITestInfrastructure _infra = fixture.Infrastructure;

    [Fact]
    public async Task A_new_instance_on_the_same_database_serves_the_same_ids_versions_deletes_and_levels()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _infra.CreateEmptyDatabaseAsync(ct);
        int orderId, customerId;
        await using (var first = await EmbeddedSchemaRegistry.StartAsync(database, ct: ct))
        {
            using var client = new RegistryClient(first.Url);
            orderId = await client.RegisterAsync("orders-value", OrderV1);
            await client.RegisterAsync("orders-value", OrderWithDefaultedQuantity);
            customerId = await client.RegisterAsync("customers-value", Customer);
            (await client.DeleteAsync("/subjects/orders-value/versions/1")).ShouldBeOk();
            (await client.PutAsync("/config/customers-value", new JsonObject { ["compatibility"] = "NONE" })).ShouldBeOk();
            (await client.PutAsync("/config", new JsonObject { ["compatibility"] = "FULL" })).ShouldBeOk();
        }

        await using var second = await EmbeddedSchemaRegistry.StartAsync(database, ct: ct);
        using var again = new RegistryClient(second.Url);

        (await again.GetAsync("/subjects")).ShouldBeOk().Json!.ToJsonString().Should().Be("""["customers-value","orders-value"]""");
        (await again.GetAsync("/subjects/orders-value/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[2]");
        (await again.GetAsync("/subjects/orders-value/versions/1?deleted=true")).ShouldBeOk().Json!["id"]!.GetValue<int>().Should().Be(orderId);
        (await again.GetAsync("/subjects/customers-value/versions/1")).ShouldBeOk().Json!["id"]!.GetValue<int>().Should().Be(customerId);
        JsonNode.DeepEquals(
            JsonNode.Parse((await again.GetAsync($"/schemas/ids/{orderId}")).ShouldBeOk().Json!["schema"]!.GetValue<string>()),
            JsonNode.Parse(OrderV1)).Should().BeTrue();
        (await again.GetAsync("/config")).ShouldBeOk().Json!.ToJsonString().Should().Be("""{"compatibilityLevel":"FULL"}""");
        (await again.GetAsync("/config/customers-value")).ShouldBeOk().Json!.ToJsonString().Should().Be("""{"compatibilityLevel":"NONE"}""");
        (await again.RegisterAsync("customers-value", OrderV1)).Should().Be(orderId, "ids are global and survive the restart");
        (await again.RegisterAsync("orders-value", OrderV1)).Should().Be(orderId);
        (await again.GetAsync("/subjects/orders-value/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[2,3]");
        var fresh = await again.RegisterAsync("fresh-value", Record("Fresh", Field("id", "long")));
        fresh.Should().BeGreaterThan(Math.Max(orderId, customerId));
    }

    [Fact]
    public async Task The_tables_live_in_the_schema_registry_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _infra.CreateEmptyDatabaseAsync(ct);
        await using (await EmbeddedSchemaRegistry.StartAsync(database, ct: ct))
        {
        }

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'schema_registry'",
            connection);
        (await command.ExecuteScalarAsync(ct)).Should().Be("config,schemas,subject_versions");
    }

    [Fact]
    public async Task A_failing_database_answers_500_with_error_code_50001()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _infra.CreateEmptyDatabaseAsync(ct);
        await using var registry = await EmbeddedSchemaRegistry.StartAsync(database, ct: ct);
        using var client = new RegistryClient(registry.Url);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(ct);
            await using var drop = new NpgsqlCommand("DROP SCHEMA schema_registry CASCADE", connection);
            await drop.ExecuteNonQueryAsync(ct);
        }

        (await client.GetAsync("/subjects")).ShouldBeError(HttpStatusCode.InternalServerError, 50001);
        (await client.PostAsync("/subjects/orders-value/versions", RegistryClient.SchemaBody(OrderV1)))
            .ShouldBeError(HttpStatusCode.InternalServerError, 50001);
    }

    [Fact]
    public async Task Two_instances_starting_on_one_database_and_registering_at_once_agree_on_ids_and_versions()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _infra.CreateEmptyDatabaseAsync(ct);
        var starting = await Task.WhenAll(
            EmbeddedSchemaRegistry.StartAsync(database, ct: ct),
            EmbeddedSchemaRegistry.StartAsync(database, ct: ct));
        await using var a = starting[0];
        await using var b = starting[1];
        using var clientA = new RegistryClient(a.Url);
        using var clientB = new RegistryClient(b.Url);
        var schemas = Enumerable.Range(0, 6).Select(i => Record("Shared", Field("id", "long"), Field($"extra{i}", "int", "0"))).ToArray();

        var registrations = schemas.SelectMany(s => new[] { clientA, clientB }.Select(c => Task.Run(() => c.RegisterAsync("shared-value", s))));
        var ids = await Task.WhenAll(registrations);

        ids.Distinct().Should().HaveCount(schemas.Length, "each schema gets one id however many registries race");
        var versions = (await clientA.GetAsync("/subjects/shared-value/versions")).ShouldBeOk().Json!.AsArray().Select(v => v!.GetValue<int>());
        versions.Should().Equal(Enumerable.Range(1, schemas.Length));
        (await clientB.GetAsync("/subjects/shared-value/versions/latest")).Status.Should().Be(HttpStatusCode.OK);
    }
}
