using System.Net;
using System.Text.Json.Nodes;
using CdcBridge.Testing;
using static CdcBridge.DevStack.Tests.SchemaRegistry.TestSchemas;

namespace CdcBridge.DevStack.Tests.SchemaRegistry;

/// <summary>Compatibility enforcement on registration, per level, and the compatibility-check endpoint.</summary>
public sealed class SchemaRegistryCompatibilityTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private readonly RegistryClient _client = fixture.Client;

    [Fact]
    public async Task Backward_by_default_accepts_an_added_field_with_a_default_and_rejects_one_without()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);

        var rejected = await Register(subject, OrderWithRequiredQuantity);
        await _client.RegisterAsync(subject, OrderWithDefaultedQuantity);

        rejected.ShouldBeError(HttpStatusCode.Conflict, 409).Should()
            .StartWith($"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [")
            .And.Contain("quantity")
            .And.Contain("{oldSchemaVersion: 1}")
            .And.Contain("{compatibility: 'BACKWARD'}");
        (await _client.GetAsync($"/subjects/{subject}/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1,2]");
    }

    [Fact]
    public async Task Backward_accepts_removing_a_field()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);

        (await Register(subject, OrderWithoutSku)).ShouldBeOk();
    }

    [Fact]
    public async Task Forward_accepts_an_added_field_without_a_default_and_rejects_removing_a_field_without_one()
    {
        var subject = await SubjectAt("FORWARD");
        await _client.RegisterAsync(subject, OrderV1);

        (await Register(subject, OrderWithoutSku)).ShouldBeError(HttpStatusCode.Conflict, 409).Should().Contain("{compatibility: 'FORWARD'}");
        (await Register(subject, OrderWithRequiredQuantity)).ShouldBeOk();
    }

    [Fact]
    public async Task Full_accepts_only_changes_both_ways_compatible()
    {
        var subject = await SubjectAt("FULL");
        await _client.RegisterAsync(subject, OrderV1);

        (await Register(subject, OrderWithRequiredQuantity)).ShouldBeError(HttpStatusCode.Conflict, 409);
        (await Register(subject, OrderWithoutSku)).ShouldBeError(HttpStatusCode.Conflict, 409);
        (await Register(subject, OrderWithDefaultedQuantity)).ShouldBeOk();
    }

    [Fact]
    public async Task None_accepts_any_change()
    {
        var subject = await SubjectAt("NONE");
        await _client.RegisterAsync(subject, OrderV1);

        (await Register(subject, Record("Order", Field("id", "string")))).ShouldBeOk();
        (await Register(subject, Customer)).ShouldBeOk();
        (await _client.GetAsync($"/subjects/{subject}/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1,2,3]");
    }

    [Fact]
    public async Task Backward_checks_only_the_latest_version_while_backward_transitive_checks_them_all()
    {
        // v3 reads v2 (its sku is defaulted) but not v1 (whose sku is a string, v3's an int).
        var v1 = OrderV1;
        var v2 = OrderWithoutSku;
        var v3 = Record("Order", Field("id", "long"), Field("sku", "int", "0"));
        var plain = await SubjectAt("BACKWARD");
        var transitive = await SubjectAt("BACKWARD_TRANSITIVE");
        foreach (var subject in new[] { plain, transitive })
        {
            await _client.RegisterAsync(subject, v1);
            await _client.RegisterAsync(subject, v2);
        }

        (await Register(plain, v3)).ShouldBeOk();
        (await Register(transitive, v3)).ShouldBeError(HttpStatusCode.Conflict, 409).Should()
            .Contain("{oldSchemaVersion: 1}").And.Contain("BACKWARD_TRANSITIVE");
    }

    [Fact]
    public async Task Forward_and_full_check_only_the_latest_version_while_their_transitive_levels_check_them_all()
    {
        // v3 drops a field that v2 defaults and v1 requires: v2 reads v3, v1 does not.
        var forwardVersions = new[]
        {
            Record("Order", Field("id", "long"), Field("quantity", "int")),
            Record("Order", Field("id", "long"), Field("quantity", "int", "1")),
        };
        var fullVersions = new[] { OrderV1, Record("Order", Field("id", "long"), Field("sku", "string", "\"\"")) };
        var v3 = Record("Order", Field("id", "long"));
        (string Subject, string[] Versions)[] subjects =
        [
            (await SubjectAt("FORWARD"), forwardVersions),
            (await SubjectAt("FORWARD_TRANSITIVE"), forwardVersions),
            (await SubjectAt("FULL"), fullVersions),
            (await SubjectAt("FULL_TRANSITIVE"), fullVersions),
        ];
        foreach (var (subject, versions) in subjects)
        {
            foreach (var version in versions)
            {
                await _client.RegisterAsync(subject, version);
            }
        }

        var replies = new List<HttpStatusCode>();
        foreach (var (subject, _) in subjects)
        {
            replies.Add((await Register(subject, v3)).Status);
        }

        replies.Should().Equal(HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.OK, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_compatibility_endpoint_answers_is_compatible_against_latest_or_a_chosen_version()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);
        await _client.RegisterAsync(subject, OrderWithoutSku);
        var v3 = Record("Order", Field("id", "long"), Field("sku", "int", "0"));

        var latest = (await _client.PostAsync($"/compatibility/subjects/{subject}/versions/latest", RegistryClient.SchemaBody(v3))).ShouldBeOk();
        var first = (await _client.PostAsync($"/compatibility/subjects/{subject}/versions/1", RegistryClient.SchemaBody(v3))).ShouldBeOk();

        latest.Json!.ToJsonString().Should().Be("""{"is_compatible":true}""");
        first.Json!.ToJsonString().Should().Be("""{"is_compatible":false}""");
        (await _client.GetAsync($"/subjects/{subject}/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1,2]", "a check registers nothing");
    }

    [Fact]
    public async Task The_verbose_compatibility_check_lists_the_problems()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);

        var incompatible = (await _client.PostAsync(
            $"/compatibility/subjects/{subject}/versions/latest?verbose=true", RegistryClient.SchemaBody(OrderWithRequiredQuantity))).ShouldBeOk();
        var compatible = (await _client.PostAsync(
            $"/compatibility/subjects/{subject}/versions/latest?verbose=true", RegistryClient.SchemaBody(OrderWithDefaultedQuantity))).ShouldBeOk();

        incompatible.Json!["is_compatible"]!.GetValue<bool>().Should().BeFalse();
        incompatible.Json!["messages"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Contain(m => m.Contains("quantity", StringComparison.Ordinal));
        compatible.Json!.ToJsonString().Should().Be("""{"is_compatible":true,"messages":[]}""");
    }

    [Fact]
    public async Task The_compatibility_endpoint_answers_40401_40402_42202_and_42201()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);
        var body = RegistryClient.SchemaBody(OrderWithDefaultedQuantity);

        (await _client.PostAsync("/compatibility/subjects/no-such-subject/versions/latest", body)).ShouldBeError(HttpStatusCode.NotFound, 40401);
        (await _client.PostAsync($"/compatibility/subjects/{subject}/versions/7", body)).ShouldBeError(HttpStatusCode.NotFound, 40402);
        (await _client.PostAsync($"/compatibility/subjects/{subject}/versions/zero", body)).ShouldBeError(HttpStatusCode.UnprocessableEntity, 42202);
        (await _client.PostAsync($"/compatibility/subjects/{subject}/versions/latest", RegistryClient.SchemaBody("{\"type\":\"nope\"}")))
            .ShouldBeError(HttpStatusCode.UnprocessableEntity, 42201);
    }

    [Fact]
    public async Task A_subject_level_overrides_the_global_one()
    {
        var subject = await SubjectAt("NONE");
        await _client.RegisterAsync(subject, OrderV1);

        (await Register(subject, OrderWithRequiredQuantity)).ShouldBeOk();
        (await _client.GetAsync("/config")).ShouldBeOk().Json!.ToJsonString().Should().Be("""{"compatibilityLevel":"BACKWARD"}""");
    }

    private Task<RegistryReply> Register(string subject, string schema) =>
        _client.PostAsync($"/subjects/{subject}/versions", RegistryClient.SchemaBody(schema));

    /// <summary>A new subject with its own level (the global one stays BACKWARD for the other tests).</summary>
    private async Task<string> SubjectAt(string level)
    {
        var subject = UniqueName.For(level.ToLowerInvariant());
        (await _client.PutAsync($"/config/{subject}", new JsonObject { ["compatibility"] = level })).ShouldBeOk();
        return subject;
    }
}
