using System.Net;
using System.Text.Json.Nodes;
using CdcBridge.Testing;
using static CdcBridge.DevStack.Tests.SchemaRegistry.TestSchemas;

namespace CdcBridge.DevStack.Tests.SchemaRegistry;

/// <summary>Registration, lookup and the read endpoints, through raw HTTP as any Confluent client speaks it.</summary>
public sealed class SchemaRegistrySubjectsTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private readonly RegistryClient _client = fixture.Client;

    [Fact]
    public void The_url_is_absolute_loopback_without_a_trailing_slash()
    {
        fixture.Registry.Url.Should().MatchRegex(@"^http://127\.0\.0\.1:\d+$");
    }

    [Fact]
    public async Task Registering_returns_an_id_and_the_version_serves_subject_id_version_and_schema()
    {
        var subject = UniqueName.For("orders");

        var id = await _client.RegisterAsync(subject, OrderV1);

        var reply = (await _client.GetAsync($"/subjects/{subject}/versions/1")).ShouldBeOk();
        var body = (JsonObject)reply.Json!;
        body.Select(p => p.Key).Should().BeEquivalentTo("subject", "version", "id", "schema");
        body["subject"]!.GetValue<string>().Should().Be(subject);
        body["version"]!.GetValue<int>().Should().Be(1);
        body["id"]!.GetValue<int>().Should().Be(id);
        JsonNode.DeepEquals(JsonNode.Parse(body["schema"]!.GetValue<string>()), JsonNode.Parse(OrderV1)).Should().BeTrue();
    }

    [Fact]
    public async Task The_same_schema_twice_under_a_subject_returns_the_same_id_and_adds_no_version()
    {
        var subject = UniqueName.For("orders");

        var first = await _client.RegisterAsync(subject, OrderV1);
        var second = await _client.RegisterAsync(subject, OrderV1);
        // The same schema with other whitespace and key order is the same schema.
        var reformatted = await _client.RegisterAsync(subject, JsonNode.Parse(OrderV1)!.ToJsonString(new() { WriteIndented = true }));

        second.Should().Be(first);
        reformatted.Should().Be(first);
        (await _client.GetAsync($"/subjects/{subject}/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1]");
    }

    [Fact]
    public async Task Ids_are_global_the_same_schema_under_another_subject_reuses_its_id_and_another_schema_gets_a_new_one()
    {
        var orders = UniqueName.For("orders");
        var copies = UniqueName.For("copies");
        var customers = UniqueName.For("customers");

        var id = await _client.RegisterAsync(orders, OrderV1);
        var copyId = await _client.RegisterAsync(copies, OrderV1);
        var customerId = await _client.RegisterAsync(customers, Customer);

        copyId.Should().Be(id);
        customerId.Should().NotBe(id);
        (await _client.GetAsync($"/subjects/{copies}/versions/1")).ShouldBeOk().Json!["id"]!.GetValue<int>().Should().Be(id);
        (await _client.GetAsync($"/subjects/{customers}/versions/1")).ShouldBeOk().Json!["id"]!.GetValue<int>().Should().Be(customerId);
    }

    [Fact]
    public async Task Versions_lists_every_version_and_latest_and_minus_one_serve_the_newest()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);
        var latestId = await _client.RegisterAsync(subject, OrderWithDefaultedQuantity);

        (await _client.GetAsync($"/subjects/{subject}/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1,2]");
        foreach (var latest in new[] { "latest", "-1" })
        {
            var reply = (await _client.GetAsync($"/subjects/{subject}/versions/{latest}")).ShouldBeOk();
            reply.Json!["version"]!.GetValue<int>().Should().Be(2);
            reply.Json!["id"]!.GetValue<int>().Should().Be(latestId);
        }
    }

    [Theory]
    [InlineData("orders value ü")]
    [InlineData("tenant/orders-value")]
    [InlineData("orders%value:1")]
    public async Task Subjects_that_need_escaping_in_urls_round_trip(string name)
    {
        var subject = name + Guid.NewGuid().ToString("N")[..8];
        var escaped = Uri.EscapeDataString(subject);

        var id = await _client.RegisterAsync(escaped, OrderV1);

        var reply = (await _client.GetAsync($"/subjects/{escaped}/versions/latest")).ShouldBeOk();
        reply.Json!["subject"]!.GetValue<string>().Should().Be(subject);
        reply.Json!["id"]!.GetValue<int>().Should().Be(id);
        (await _client.GetAsync("/subjects")).ShouldBeOk().Json!.AsArray().Select(s => s!.GetValue<string>()).Should().Contain(subject);
    }

    [Fact]
    public async Task The_schema_endpoint_of_a_version_serves_the_raw_schema_json()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);

        var reply = (await _client.GetAsync($"/subjects/{subject}/versions/latest/schema")).ShouldBeOk();

        JsonNode.DeepEquals(reply.Json, JsonNode.Parse(OrderV1)).Should().BeTrue(reply.Text);
    }

    [Fact]
    public async Task Unknown_subjects_answer_40401_and_unknown_versions_40402()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);

        (await _client.GetAsync("/subjects/no-such-subject/versions")).ShouldBeError(HttpStatusCode.NotFound, 40401)
            .Should().Contain("no-such-subject");
        (await _client.GetAsync("/subjects/no-such-subject/versions/1")).ShouldBeError(HttpStatusCode.NotFound, 40401);
        (await _client.GetAsync("/subjects/no-such-subject/versions/latest")).ShouldBeError(HttpStatusCode.NotFound, 40401);
        (await _client.GetAsync($"/subjects/{subject}/versions/2")).ShouldBeError(HttpStatusCode.NotFound, 40402)
            .Should().Contain("2");
        (await _client.GetAsync($"/subjects/{subject}/versions/2/schema")).ShouldBeError(HttpStatusCode.NotFound, 40402);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("2147483648")]
    [InlineData("1.5")]
    public async Task Invalid_versions_answer_42202(string version)
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);

        (await _client.GetAsync($"/subjects/{subject}/versions/{version}")).ShouldBeError(HttpStatusCode.UnprocessableEntity, 42202)
            .Should().Contain(version);
        (await _client.DeleteAsync($"/subjects/{subject}/versions/{version}")).ShouldBeError(HttpStatusCode.UnprocessableEntity, 42202);
    }

    [Fact]
    public async Task Lookup_finds_the_version_holding_a_schema_and_answers_40401_and_40403_otherwise()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);
        var id = await _client.RegisterAsync(subject, OrderWithDefaultedQuantity);

        var found = (await _client.PostAsync($"/subjects/{subject}", RegistryClient.SchemaBody(OrderWithDefaultedQuantity))).ShouldBeOk();
        found.Json!["subject"]!.GetValue<string>().Should().Be(subject);
        found.Json!["version"]!.GetValue<int>().Should().Be(2);
        found.Json!["id"]!.GetValue<int>().Should().Be(id);
        JsonNode.DeepEquals(JsonNode.Parse(found.Json!["schema"]!.GetValue<string>()), JsonNode.Parse(OrderWithDefaultedQuantity)).Should().BeTrue();

        (await _client.PostAsync($"/subjects/{subject}", RegistryClient.SchemaBody(Customer))).ShouldBeError(HttpStatusCode.NotFound, 40403);
        (await _client.PostAsync("/subjects/no-such-subject", RegistryClient.SchemaBody(OrderV1))).ShouldBeError(HttpStatusCode.NotFound, 40401);
        (await _client.PostAsync($"/subjects/{subject}", RegistryClient.SchemaBody("{nope"))).ShouldBeError(HttpStatusCode.UnprocessableEntity, 42201);
    }

    [Fact]
    public async Task A_schema_is_served_by_id_with_the_subjects_and_versions_using_it()
    {
        var orders = UniqueName.For("orders");
        var copies = UniqueName.For("copies");
        var schema = Record("ById" + Guid.NewGuid().ToString("N"), Field("id", "long"));
        var id = await _client.RegisterAsync(orders, schema);
        (await _client.PutAsync($"/config/{copies}", new JsonObject { ["compatibility"] = "NONE" })).ShouldBeOk();
        await _client.RegisterAsync(copies, Customer);
        await _client.RegisterAsync(copies, schema);

        var byId = (await _client.GetAsync($"/schemas/ids/{id}")).ShouldBeOk();
        ((JsonObject)byId.Json!).Select(p => p.Key).Should().Equal("schema");
        JsonNode.DeepEquals(JsonNode.Parse(byId.Json!["schema"]!.GetValue<string>()), JsonNode.Parse(schema)).Should().BeTrue();

        var raw = (await _client.GetAsync($"/schemas/ids/{id}/schema")).ShouldBeOk();
        JsonNode.DeepEquals(raw.Json, JsonNode.Parse(schema)).Should().BeTrue();

        var subjects = (await _client.GetAsync($"/schemas/ids/{id}/subjects")).ShouldBeOk();
        subjects.Json!.AsArray().Select(s => s!.GetValue<string>()).Should().BeEquivalentTo(orders, copies);

        var versions = (await _client.GetAsync($"/schemas/ids/{id}/versions")).ShouldBeOk();
        versions.Json!.AsArray().Select(v => (v!["subject"]!.GetValue<string>(), v["version"]!.GetValue<int>()))
            .Should().BeEquivalentTo(new[] { (orders, 1), (copies, 2) });
    }

    [Fact]
    public async Task An_unknown_schema_id_answers_40403_schema_not_found()
    {
        var reply = await _client.GetAsync("/schemas/ids/987654");

        reply.ShouldBeError(HttpStatusCode.NotFound, 40403).Should().Be("Schema not found");
        (await _client.GetAsync("/schemas/ids/987654/subjects")).ShouldBeError(HttpStatusCode.NotFound, 40403);
        (await _client.GetAsync("/schemas/ids/987654/versions")).ShouldBeError(HttpStatusCode.NotFound, 40403);
    }

    [Fact]
    public async Task Subjects_lists_the_registered_subjects()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);

        var reply = (await _client.GetAsync("/subjects")).ShouldBeOk();

        reply.Json!.AsArray().Select(s => s!.GetValue<string>()).Should().Contain(subject).And.BeInAscendingOrder(StringComparer.Ordinal);
    }

    [Fact]
    public async Task Schema_types_are_avro_only_and_the_root_is_an_empty_object()
    {
        (await _client.GetAsync("/schemas/types")).ShouldBeOk().Json!.ToJsonString().Should().Be("""["AVRO"]""");
        (await _client.GetAsync("/")).ShouldBeOk().Json!.ToJsonString().Should().Be("{}");
    }

    [Theory]
    [InlineData("{nope", "not JSON")]
    [InlineData("""{"type":"recrod","name":"X","fields":[]}""", "unknown type")]
    [InlineData("""{"type":"record","name":"X","fields":[{"name":"n","type":"int","default":"one"}]}""", "invalid default")]
    [InlineData("""{"type":"record","fields":[]}""", "record without a name")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A","A"]}""", "duplicate enum symbol")]
    public async Task An_invalid_schema_answers_42201(string schema, string because)
    {
        var reply = await _client.PostAsync($"/subjects/{UniqueName.For("bad")}/versions", RegistryClient.SchemaBody(schema));

        reply.ShouldBeError(HttpStatusCode.UnprocessableEntity, 42201).Should().StartWith("Invalid schema", because);
    }

    [Fact]
    public async Task A_body_without_a_schema_answers_42201()
    {
        var subject = UniqueName.For("bad");

        (await _client.PostAsync($"/subjects/{subject}/versions", new JsonObject())).ShouldBeError(HttpStatusCode.UnprocessableEntity, 42201);
        (await _client.PostAsync($"/subjects/{subject}/versions", RegistryClient.SchemaBody(""))).ShouldBeError(HttpStatusCode.UnprocessableEntity, 42201);
        (await _client.PostAsync($"/subjects/{subject}/versions", new JsonObject { ["schema"] = 42 })).ShouldBeError(HttpStatusCode.UnprocessableEntity, 42201);
    }

    [Theory]
    [InlineData("PROTOBUF")]
    [InlineData("JSON")]
    public async Task A_schema_type_other_than_avro_answers_42201_saying_only_avro_is_supported(string schemaType)
    {
        var body = new JsonObject { ["schema"] = OrderV1, ["schemaType"] = schemaType };

        var reply = await _client.PostAsync($"/subjects/{UniqueName.For("typed")}/versions", body);

        reply.ShouldBeError(HttpStatusCode.UnprocessableEntity, 42201).Should().Contain(schemaType).And.Contain("only AVRO");
    }

    [Fact]
    public async Task An_explicit_avro_schema_type_and_empty_references_are_accepted()
    {
        var subject = UniqueName.For("typed");
        var body = new JsonObject { ["schema"] = OrderV1, ["schemaType"] = "AVRO", ["references"] = new JsonArray() };

        var reply = (await _client.PostAsync($"/subjects/{subject}/versions?normalize=true", body)).ShouldBeOk();

        reply.Json!["id"]!.GetValue<int>().Should().Be(await _client.RegisterAsync(subject, OrderV1));
    }

    [Theory]
    [InlineData("{\"schema\": ")]
    [InlineData("[1, 2")]
    [InlineData("")]
    public async Task A_malformed_json_body_answers_400_with_an_error_body(string body)
    {
        var reply = await _client.SendAsync(HttpMethod.Post, $"/subjects/{UniqueName.For("bad")}/versions", body);

        reply.ShouldBeError(HttpStatusCode.BadRequest, 400).Should().Contain("Malformed JSON");
    }

    [Theory]
    [InlineData("application/vnd.schemaregistry.v1+json")]
    [InlineData("application/vnd.schemaregistry+json")]
    [InlineData("application/json")]
    [InlineData("application/octet-stream")]
    public async Task Request_bodies_are_accepted_under_every_content_type_clients_send(string contentType)
    {
        var subject = UniqueName.For("typed");

        var reply = await _client.PostAsync($"/subjects/{subject}/versions", RegistryClient.SchemaBody(Customer), contentType);

        reply.ShouldBeOk().Json!["id"]!.GetValue<int>().Should().BePositive();
    }

    [Theory]
    [InlineData("GET", "/no/such/route")]
    [InlineData("GET", "/subjects/x/versions/1/nope")]
    [InlineData("GET", "/schemas/ids/not-a-number")]
    public async Task Unknown_routes_answer_404_with_an_error_body(string method, string path)
    {
        var reply = await _client.SendAsync(new HttpMethod(method), path, null);

        reply.ShouldBeError(HttpStatusCode.NotFound, 404).Should().Be("HTTP 404 Not Found");
    }

    [Fact]
    public async Task A_known_route_with_the_wrong_method_answers_405_with_an_error_body()
    {
        var reply = await _client.SendAsync(HttpMethod.Patch, "/subjects", "{}");

        reply.ShouldBeError(HttpStatusCode.MethodNotAllowed, 405);
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_new_schema_agree_on_one_id_and_one_version()
    {
        var subject = UniqueName.For("race");
        var other = UniqueName.For("race");
        var schema = Record("Race" + Guid.NewGuid().ToString("N"), Field("id", "long"));

        var ids = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => _client.RegisterAsync(i % 2 == 0 ? subject : other, schema))));

        ids.Distinct().Should().ContainSingle();
        (await _client.GetAsync($"/subjects/{subject}/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1]");
        (await _client.GetAsync($"/subjects/{other}/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1]");
    }
}
