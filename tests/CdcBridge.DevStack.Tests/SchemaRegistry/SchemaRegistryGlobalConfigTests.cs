using System.Net;
using System.Text.Json.Nodes;
using CdcBridge.Testing;
using static CdcBridge.DevStack.Tests.SchemaRegistry.TestSchemas;

namespace CdcBridge.DevStack.Tests.SchemaRegistry;

/// <summary>The global level (<c>/config</c>), on a registry of its own: changing it would disturb other classes' tests.</summary>
public sealed class SchemaRegistryGlobalConfigTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private readonly RegistryClient _client = fixture.Client;

    [Fact]
    public async Task The_global_level_defaults_to_backward_and_a_change_applies_to_subjects_without_their_own()
    {
        var subject = UniqueName.For("orders");
        var pinned = UniqueName.For("pinned");
        await _client.RegisterAsync(subject, OrderV1);
        await _client.RegisterAsync(pinned, OrderV1);
        (await _client.PutAsync($"/config/{pinned}", new JsonObject { ["compatibility"] = "BACKWARD" })).ShouldBeOk();
        (await _client.GetAsync("/config")).ShouldBeOk().Json!.ToJsonString().Should().Be("""{"compatibilityLevel":"BACKWARD"}""");

        (await _client.PutAsync("/config", new JsonObject { ["compatibility"] = "FORWARD" })).ShouldBeOk().Json!.ToJsonString()
            .Should().Be("""{"compatibility":"FORWARD"}""");

        (await _client.GetAsync("/config")).ShouldBeOk().Json!.ToJsonString().Should().Be("""{"compatibilityLevel":"FORWARD"}""");
        (await _client.GetAsync($"/config/{subject}?defaultToGlobal=true")).ShouldBeOk().Json!.ToJsonString()
            .Should().Be("""{"compatibilityLevel":"FORWARD"}""");
        (await Register(subject, OrderWithRequiredQuantity)).ShouldBeOk("FORWARD allows a new field without a default");
        (await Register(pinned, OrderWithRequiredQuantity)).ShouldBeError(HttpStatusCode.Conflict, 409);
    }

    private Task<RegistryReply> Register(string subject, string schema) =>
        _client.PostAsync($"/subjects/{subject}/versions", RegistryClient.SchemaBody(schema));
}
