using System.Net;
using System.Text.Json.Nodes;
using CdcBridge.Testing;
using static CdcBridge.DevStack.Tests.SchemaRegistry.TestSchemas;

namespace CdcBridge.DevStack.Tests.SchemaRegistry;

/// <summary>Subject-level compatibility configuration (<c>/config/{subject}</c>).</summary>
public sealed class SchemaRegistryConfigTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private readonly RegistryClient _client = fixture.Client;

    [Fact]
    public async Task A_subject_without_its_own_level_answers_40408_unless_default_to_global_is_asked_for()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);

        (await _client.GetAsync($"/config/{subject}")).ShouldBeError(HttpStatusCode.NotFound, 40408).Should()
            .Be($"Subject '{subject}' does not have subject-level compatibility configured");
        (await _client.GetAsync($"/config/{subject}?defaultToGlobal=true")).ShouldBeOk().Json!.ToJsonString()
            .Should().Be("""{"compatibilityLevel":"BACKWARD"}""");
    }

    [Theory]
    [InlineData("NONE")]
    [InlineData("BACKWARD")]
    [InlineData("BACKWARD_TRANSITIVE")]
    [InlineData("FORWARD")]
    [InlineData("FORWARD_TRANSITIVE")]
    [InlineData("FULL")]
    [InlineData("FULL_TRANSITIVE")]
    public async Task Every_level_can_be_set_on_a_subject_and_read_back(string level)
    {
        var subject = UniqueName.For("orders");

        var put = (await _client.PutAsync($"/config/{subject}", new JsonObject { ["compatibility"] = level })).ShouldBeOk();

        put.Json!.ToJsonString().Should().Be($$"""{"compatibility":"{{level}}"}""");
        (await _client.GetAsync($"/config/{subject}")).ShouldBeOk().Json!.ToJsonString().Should().Be($$"""{"compatibilityLevel":"{{level}}"}""");
    }

    [Fact]
    public async Task Deleting_a_subject_level_returns_it_and_falls_back_to_the_global_level()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);
        (await _client.PutAsync($"/config/{subject}", new JsonObject { ["compatibility"] = "NONE" })).ShouldBeOk();

        (await _client.DeleteAsync($"/config/{subject}")).ShouldBeOk().Json!.ToJsonString().Should().Be("""{"compatibilityLevel":"NONE"}""");

        (await _client.GetAsync($"/config/{subject}")).ShouldBeError(HttpStatusCode.NotFound, 40408);
        (await _client.PostAsync($"/subjects/{subject}/versions", RegistryClient.SchemaBody(OrderWithRequiredQuantity)))
            .ShouldBeError(HttpStatusCode.Conflict, 409);
        (await _client.DeleteAsync($"/config/{subject}")).ShouldBeError(HttpStatusCode.NotFound, 40408);
        (await _client.DeleteAsync("/config/no-such-subject")).ShouldBeError(HttpStatusCode.NotFound, 40401);
    }

    [Theory]
    [InlineData("""{"compatibility":"SIDEWAYS"}""")]
    [InlineData("""{"compatibility":""}""")]
    [InlineData("""{"compatibility":7}""")]
    [InlineData("""{}""")]
    public async Task An_invalid_level_answers_42203(string body)
    {
        var subject = UniqueName.For("orders");

        (await _client.SendAsync(HttpMethod.Put, $"/config/{subject}", body)).ShouldBeError(HttpStatusCode.UnprocessableEntity, 42203)
            .Should().StartWith("Invalid compatibility level");
        (await _client.SendAsync(HttpMethod.Put, "/config", body)).ShouldBeError(HttpStatusCode.UnprocessableEntity, 42203);
    }
}
