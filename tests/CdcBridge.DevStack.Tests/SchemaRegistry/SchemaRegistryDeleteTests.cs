using System.Net;
using CdcBridge.Testing;
using static CdcBridge.DevStack.Tests.SchemaRegistry.TestSchemas;

namespace CdcBridge.DevStack.Tests.SchemaRegistry;

/// <summary>Soft and permanent deletes of subjects and versions, as Confluent does them.</summary>
public sealed class SchemaRegistryDeleteTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private readonly RegistryClient _client = fixture.Client;

    [Fact]
    public async Task Soft_deleting_a_version_returns_its_number_and_hides_it_unless_deleted_is_asked_for()
    {
        var subject = UniqueName.For("orders");
        var id = await _client.RegisterAsync(subject, OrderV1);
        await _client.RegisterAsync(subject, OrderWithDefaultedQuantity);

        (await _client.DeleteAsync($"/subjects/{subject}/versions/1")).ShouldBeOk().Json!.ToJsonString().Should().Be("1");

        (await _client.GetAsync($"/subjects/{subject}/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[2]");
        (await _client.GetAsync($"/subjects/{subject}/versions?deleted=true")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1,2]");
        (await _client.GetAsync($"/subjects/{subject}/versions/1")).ShouldBeError(HttpStatusCode.NotFound, 40402);
        (await _client.GetAsync($"/subjects/{subject}/versions/1?deleted=true")).ShouldBeOk().Json!["id"]!.GetValue<int>().Should().Be(id);
        (await _client.GetAsync($"/schemas/ids/{id}")).ShouldBeOk("consumers still decode data written with a soft-deleted schema");
        (await _client.DeleteAsync($"/subjects/{subject}/versions/1")).ShouldBeError(HttpStatusCode.NotFound, 40406);
    }

    [Fact]
    public async Task Deleting_the_latest_version_deletes_the_newest_live_one()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);
        await _client.RegisterAsync(subject, OrderWithDefaultedQuantity);

        (await _client.DeleteAsync($"/subjects/{subject}/versions/latest")).ShouldBeOk().Json!.ToJsonString().Should().Be("2");
        (await _client.DeleteAsync($"/subjects/{subject}/versions/latest")).ShouldBeOk().Json!.ToJsonString().Should().Be("1");
        (await _client.GetAsync($"/subjects/{subject}/versions")).ShouldBeError(HttpStatusCode.NotFound, 40401);
    }

    [Fact]
    public async Task Soft_deleting_a_subject_lists_its_versions_hides_it_and_a_second_soft_delete_answers_40404()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);
        await _client.RegisterAsync(subject, OrderWithDefaultedQuantity);

        (await _client.DeleteAsync($"/subjects/{subject}")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1,2]");

        Subjects(await _client.GetAsync("/subjects")).Should().NotContain(subject);
        Subjects(await _client.GetAsync("/subjects?deleted=true")).Should().Contain(subject);
        (await _client.GetAsync($"/subjects/{subject}/versions")).ShouldBeError(HttpStatusCode.NotFound, 40401);
        (await _client.GetAsync($"/subjects/{subject}/versions/latest")).ShouldBeError(HttpStatusCode.NotFound, 40401);
        (await _client.PostAsync($"/subjects/{subject}", RegistryClient.SchemaBody(OrderV1))).ShouldBeError(HttpStatusCode.NotFound, 40401);
        (await _client.DeleteAsync($"/subjects/{subject}")).ShouldBeError(HttpStatusCode.NotFound, 40404);
    }

    [Fact]
    public async Task Registering_again_after_a_soft_delete_creates_a_new_version_with_the_same_id()
    {
        var subject = UniqueName.For("orders");
        var id = await _client.RegisterAsync(subject, OrderV1);
        (await _client.DeleteAsync($"/subjects/{subject}")).ShouldBeOk();

        var again = await _client.RegisterAsync(subject, OrderV1);

        again.Should().Be(id);
        (await _client.GetAsync($"/subjects/{subject}/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[2]");
        (await _client.GetAsync($"/subjects/{subject}/versions?deleted=true")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1,2]");
    }

    [Fact]
    public async Task A_soft_deleted_version_is_not_checked_for_compatibility()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);
        (await _client.DeleteAsync($"/subjects/{subject}/versions/1")).ShouldBeOk();

        (await _client.PostAsync($"/subjects/{subject}/versions", RegistryClient.SchemaBody(Record("Order", Field("id", "string"))))).ShouldBeOk();
    }

    [Fact]
    public async Task A_permanent_delete_needs_a_soft_delete_first_and_then_removes_the_subject_and_its_ids()
    {
        var subject = UniqueName.For("orders");
        var schema = Record("Lonely" + Guid.NewGuid().ToString("N"), Field("id", "long"));
        var id = await _client.RegisterAsync(subject, schema);

        (await _client.DeleteAsync($"/subjects/{subject}?permanent=true")).ShouldBeError(HttpStatusCode.NotFound, 40405);
        (await _client.DeleteAsync($"/subjects/{subject}")).ShouldBeOk();
        (await _client.DeleteAsync($"/subjects/{subject}?permanent=true")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1]");

        Subjects(await _client.GetAsync("/subjects?deleted=true")).Should().NotContain(subject);
        (await _client.GetAsync($"/subjects/{subject}/versions?deleted=true")).ShouldBeError(HttpStatusCode.NotFound, 40401);
        (await _client.GetAsync($"/schemas/ids/{id}")).ShouldBeError(HttpStatusCode.NotFound, 40403);
        (await _client.DeleteAsync($"/subjects/{subject}")).ShouldBeError(HttpStatusCode.NotFound, 40401);
        (await _client.RegisterAsync(subject, schema)).Should().Be(id, "ids are stable: the same schema text keeps its id");
        (await _client.GetAsync($"/subjects/{subject}/versions")).ShouldBeOk().Json!.ToJsonString().Should().Be("[1]");
    }

    [Fact]
    public async Task A_permanent_version_delete_needs_a_soft_delete_first()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);
        await _client.RegisterAsync(subject, OrderWithDefaultedQuantity);

        (await _client.DeleteAsync($"/subjects/{subject}/versions/1?permanent=true")).ShouldBeError(HttpStatusCode.NotFound, 40407);
        (await _client.DeleteAsync($"/subjects/{subject}/versions/1")).ShouldBeOk();
        (await _client.DeleteAsync($"/subjects/{subject}/versions/1?permanent=true")).ShouldBeOk().Json!.ToJsonString().Should().Be("1");

        (await _client.GetAsync($"/subjects/{subject}/versions?deleted=true")).ShouldBeOk().Json!.ToJsonString().Should().Be("[2]");
        (await _client.GetAsync($"/subjects/{subject}/versions/1?deleted=true")).ShouldBeError(HttpStatusCode.NotFound, 40402);
    }

    [Fact]
    public async Task Deleting_unknown_subjects_and_versions_answers_40401_and_40402()
    {
        var subject = UniqueName.For("orders");
        await _client.RegisterAsync(subject, OrderV1);

        (await _client.DeleteAsync("/subjects/no-such-subject")).ShouldBeError(HttpStatusCode.NotFound, 40401);
        (await _client.DeleteAsync("/subjects/no-such-subject/versions/1")).ShouldBeError(HttpStatusCode.NotFound, 40401);
        (await _client.DeleteAsync($"/subjects/{subject}/versions/9")).ShouldBeError(HttpStatusCode.NotFound, 40402);
    }

    private static IEnumerable<string> Subjects(RegistryReply reply) =>
        reply.ShouldBeOk().Json!.AsArray().Select(s => s!.GetValue<string>());
}
