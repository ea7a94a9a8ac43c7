using System.Text.Json.Nodes;
using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.Orders.Odoo;
using CdcBridge.Testing;

namespace CdcBridge.Orders.Tests.Odoo;

/// <summary>
/// The client with <see cref="OdooApi.Json2"/> against the simulator's Odoo 19 JSON-2 route
/// (<c>POST /json/2/&lt;model&gt;/&lt;method&gt;</c>, bearer API key, named parameters, errors as 4xx/5xx with
/// <c>{"name", "message", ...}</c>).
/// </summary>
public sealed class OdooJson2Tests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OdooConnectionOptions Json2(OdooScope scope, string? password = null) => scope.Options(password) with { Api = OdooApi.Json2 };

    [Fact]
    public async Task Authenticates_with_context_get_and_answers_search_read_by_named_parameters()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client(Json2(scope));
        var sku = (await scope.SkusAsync(1, Ct))[0];

        var uid = await client.AuthenticateAsync(Ct);
        var product = await client.ExecuteKwAsync("product.product", "search_read", [new JsonArray(new JsonArray("default_code", "=", sku))],
            new JsonObject { ["fields"] = new JsonArray("id", "default_code"), ["limit"] = 1 }, Ct);
        var count = await client.ExecuteKwAsync("res.partner", "search_count", [new JsonArray()], null, Ct);

        uid.Should().Be(scope.Simulator.Uid);
        client.Uid.Should().Be(uid);
        var row = product!.AsArray().Should().ContainSingle().Subject!.AsObject();
        row["id"]!.GetValue<int>().Should().Be(await scope.ProductIdAsync(sku, Ct));
        row["default_code"]!.GetValue<string>().Should().Be(sku);
        count!.GetValue<int>().Should().Be(await scope.ScalarAsync<int>("SELECT count(*)::int FROM res_partner WHERE active IS TRUE", Ct));
        scope.Simulator.Requests().Select(r => (r.Path, r.Service, r.HttpStatus, r.Outcome)).Should().Equal(
            ("/json/2/res.users/context_get", "json2", 200, "ok"),
            ("/json/2/product.product/search_read", "json2", 200, "ok"),
            ("/json/2/res.partner/search_count", "json2", 200, "ok"));
        client.Snapshot().Should().BeEquivalentTo(new { RequestsSent = 3L, Retries = 0L, Failures = 0L });
    }

    [Fact]
    public async Task A_refused_api_key_is_the_permanent_login_error_and_never_shows_the_key()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        const string Wrong = "not-the-api-key-42";
        var client = scope.Client(Json2(scope, Wrong));

        var act = () => client.ExecuteKwAsync("res.partner", "search_count", [new JsonArray()], null, Ct);

        var error = (await act.Should().ThrowAsync<OdooFaultException>()).Which;
        error.IsTransient.Should().BeFalse();
        error.ErrorName.Should().Be(OdooErrors.AccessDenied);
        error.Message.Should().Contain($"Odoo refused the login for {scope.Simulator.Login} on {scope.Simulator.Database}").And.NotContain(Wrong);
        scope.Simulator.Requests().Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Path = "/json/2/res.users/context_get",
            HttpStatus = 401,
            Outcome = "error:werkzeug.exceptions.Unauthorized",
        });
        client.Options.ToString().Should().NotContain(Wrong);
    }

    [Fact]
    public async Task A_validation_error_is_a_permanent_fault_with_odoos_name_and_message_and_no_retry()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client(Json2(scope));

        var act = () => client.ExecuteKwAsync("res.partner", "create", [new JsonArray(new JsonObject { ["email"] = "nameless@example.com" })], null, Ct);

        var error = (await act.Should().ThrowAsync<OdooFaultException>()).Which;
        error.ErrorName.Should().Be(OdooErrors.ValidationError);
        error.OdooMessage.Should().StartWith("The operation cannot be completed");
        error.IsTransient.Should().BeFalse();
        scope.Simulator.Requests().Where(r => r.Method == "create").Should().ContainSingle().Which.HttpStatus.Should().Be(422);
        client.Snapshot().Should().BeEquivalentTo(new { Retries = 0L, Failures = 1L });
        (await scope.ScalarAsync<long>("SELECT count(*) FROM res_partner WHERE email = 'nameless@example.com'", Ct)).Should().Be(0);
    }

    [Fact]
    public async Task Serialization_failures_odoo_gave_up_on_are_sent_again_until_they_succeed()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client(Json2(scope));
        await client.AuthenticateAsync(Ct);
        scope.Simulator.InjectFaults(new OdooSimFaults { SerializationFailures = 2 });

        var count = await client.ExecuteKwAsync("res.partner", "search_count", [new JsonArray()], null, Ct);

        count!.GetValue<int>().Should().BePositive();
        scope.Simulator.Requests().Where(r => r.Method == "search_count").Select(r => (r.HttpStatus, r.Outcome)).Should().Equal(
            (500, "error:psycopg2.errors.SerializationFailure"), (500, "error:psycopg2.errors.SerializationFailure"), (200, "ok"));
        client.Snapshot().Retries.Should().Be(2);
    }

    [Fact]
    public async Task A_503_from_the_proxy_is_sent_again_and_records_are_answered_by_their_ids()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client(Json2(scope));
        await client.AuthenticateAsync(Ct);
        var partner = await scope.ScalarAsync<int>("SELECT min(id) FROM res_partner WHERE active IS TRUE", Ct);
        scope.Simulator.InjectFaults(new OdooSimFaults { Http5xx = new OdooHttp5xxFault(1, 503) });

        var read = await client.ExecuteKwAsync("res.partner", "read", [partner, new JsonArray("id")], null, Ct);

        read!.AsArray().Select(r => r!["id"]!.GetValue<int>()).Should().Equal(partner);
        scope.Simulator.Requests().Where(r => r.Method == "read").Select(r => r.Outcome).Should().Equal("http503", "ok");
        client.Snapshot().Retries.Should().Be(1);
    }

    [Fact]
    public async Task Positional_arguments_of_a_method_the_client_cannot_name_are_refused_before_anything_is_sent()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client(Json2(scope));

        var act = () => client.ExecuteKwAsync("sale.order", "action_draft", [new JsonArray(1)], null, Ct);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("sale.order.action_draft");
        scope.Simulator.Requests().Should().BeEmpty();
    }

    [Fact]
    public void The_body_names_positional_arguments_wraps_one_id_and_keeps_the_context()
    {
        var body = OdooJson2Parameters.Build("sale.order", "write", [7, new JsonObject { ["note"] = "x" }],
            new JsonObject { ["context"] = new JsonObject { ["lang"] = "en_US" } });
        var load = OdooJson2Parameters.Build("sale.order", "load", [new JsonArray("id"), new JsonArray(new JsonArray("a"))], null);

        body.ToJsonString().Should().Be("""{"ids":[7],"vals":{"note":"x"},"context":{"lang":"en_US"}}""");
        load.ToJsonString().Should().Be("""{"fields":["id"],"data":[["a"]]}""");
        ((Action)(() => OdooJson2Parameters.Build("res.partner", "search_read", [new JsonArray()], new JsonObject { ["domain"] = new JsonArray() })))
            .Should().Throw<ArgumentException>().WithMessage("*domain*");
        ((Action)(() => OdooJson2Parameters.Build("res.partner", "search_count", [new JsonArray(), 1, 2], null)))
            .Should().Throw<ArgumentException>();
        OdooJson2Parameters.Build("res.partner", "message_post", [], new JsonObject { ["ids"] = new JsonArray(3), ["body"] = "hi" })
            .ToJsonString().Should().Be("""{"ids":[3],"body":"hi"}""");
    }
}
