using System.Text.Json.Nodes;
using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.Orders.Odoo;
using CdcBridge.Testing;

namespace CdcBridge.Orders.Tests.Odoo;

/// <summary>The JSON-RPC client against the Odoo simulator: login, calls, and which failures it sends again.</summary>
public sealed class OdooJsonRpcClientTests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Logs_in_once_and_answers_execute_kw_results()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client();

        var count = await client.ExecuteKwAsync("res.partner", "search_count", [new JsonArray()], null, Ct);
        var sku = (await scope.SkusAsync(1, Ct))[0];
        var product = await client.ExecuteKwAsync("product.product", "search_read", [new JsonArray(new JsonArray("default_code", "=", sku))],
            new JsonObject { ["fields"] = new JsonArray("id", "default_code") }, Ct);

        count!.GetValue<int>().Should().Be(await scope.ScalarAsync<int>("SELECT count(*)::int FROM res_partner WHERE active IS TRUE", Ct));
        product!.AsArray().Single()!["id"]!.GetValue<int>().Should().Be(await scope.ProductIdAsync(sku, Ct));
        client.Uid.Should().Be(scope.Simulator.Uid);
        scope.Simulator.Requests().Select(r => (r.Service, r.Method)).Should().Equal(("common", "login"), ("object", "search_count"), ("object", "search_read"));
        client.Snapshot().Should().BeEquivalentTo(new { RequestsSent = 3L, Retries = 0L, Failures = 0L });
    }

    [Fact]
    public async Task A_refused_login_is_permanent_names_login_and_database_and_never_the_password()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        const string Wrong = "not-the-password-42";
        var client = scope.Client(scope.Options(password: Wrong));

        var act = () => client.ExecuteKwAsync("res.partner", "search_count", [new JsonArray()], null, Ct);

        var error = (await act.Should().ThrowAsync<OdooFaultException>()).Which;
        error.IsTransient.Should().BeFalse();
        error.Message.Should().Contain($"Odoo refused the login for {scope.Simulator.Login} on {scope.Simulator.Database}").And.NotContain(Wrong);
        scope.Simulator.Requests().Should().ContainSingle().Which.Method.Should().Be("login");
        client.Options.ToString().Should().NotContain(Wrong);
    }

    [Fact]
    public async Task Serialization_failures_odoo_gave_up_on_are_sent_again_until_they_succeed()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client();
        await client.AuthenticateAsync(Ct);
        scope.Simulator.InjectFaults(new OdooSimFaults { SerializationFailures = 2 });

        var count = await client.ExecuteKwAsync("res.partner", "search_count", [new JsonArray()], null, Ct);

        count!.GetValue<int>().Should().BePositive();
        scope.Simulator.Requests().Where(r => r.Method == "search_count").Select(r => r.Outcome)
            .Should().Equal("error:psycopg2.errors.SerializationFailure", "error:psycopg2.errors.SerializationFailure", "ok");
        client.Snapshot().Retries.Should().Be(2);
    }

    [Fact]
    public async Task A_permanent_odoo_error_throws_at_once_without_a_retry()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client();

        var act = () => client.ExecuteKwAsync("sale.order", "action_confirm", [new JsonArray(987654)], null, Ct);

        var error = (await act.Should().ThrowAsync<OdooFaultException>()).Which;
        error.ErrorName.Should().Be(OdooErrors.MissingError);
        error.OdooMessage.Should().StartWith("Record does not exist or has been deleted.");
        error.IsTransient.Should().BeFalse();
        scope.Simulator.Requests().Count(r => r.Method == "action_confirm").Should().Be(1);
        client.Snapshot().Should().BeEquivalentTo(new { Retries = 0L, Failures = 1L });
    }

    [Theory]
    [InlineData("502")]
    [InlineData("reset")]
    public async Task A_call_made_while_odoo_is_down_completes_once_it_is_back(string mode)
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client(scope.Options() with { MaxAttempts = 30, RetryBaseDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(250) });
        await client.AuthenticateAsync(Ct);
        scope.Simulator.InjectFaults(new OdooSimFaults { Down = new OdooDownFault(1.0, mode) });

        var count = await client.ExecuteKwAsync("res.partner", "search_count", [new JsonArray()], null, Ct);

        count!.GetValue<int>().Should().BePositive();
        var log = scope.Simulator.Requests().Where(r => r.Path == "/jsonrpc").Skip(1).ToList(); // after the login
        log.Should().HaveCountGreaterThan(1);
        log[..^1].Should().OnlyContain(r => r.Outcome == "down:" + mode);
        log[^1].Outcome.Should().Be("ok");
        client.Snapshot().Retries.Should().Be(log.Count - 1);
    }

    [Fact]
    public async Task Timeouts_and_5xx_are_transient_and_bounded_by_max_attempts()
    {
        await using var scope = await OdooScope.StartAsync(fixture, Ct);
        var client = scope.Client(scope.Options() with { MaxAttempts = 3, RequestTimeout = TimeSpan.FromMilliseconds(150) });
        await client.AuthenticateAsync(Ct);

        scope.Simulator.InjectFaults(new OdooSimFaults { Http5xx = new OdooHttp5xxFault(100, 503) });
        var unavailable = await ((Func<Task>)(() => client.ExecuteKwAsync("res.partner", "search_count", [new JsonArray()], null, Ct)))
            .Should().ThrowAsync<OdooFaultException>();
        scope.Simulator.ClearFaults();
        var since = scope.Simulator.Requests()[^1].Seq;
        scope.Simulator.InjectFaults(new OdooSimFaults { LatencyMs = 2_000 });
        var slow = await ((Func<Task>)(() => client.ExecuteKwAsync("res.partner", "search_count", [new JsonArray()], null, Ct)))
            .Should().ThrowAsync<OdooFaultException>();

        unavailable.Which.Should().BeEquivalentTo(new { ErrorName = "http:503", IsTransient = true });
        slow.Which.Should().BeEquivalentTo(new { ErrorName = "timeout", IsTransient = true });
        scope.Simulator.Requests().Count(r => r.Outcome == "http503").Should().Be(3);
        scope.Simulator.ClearFaults();
        (await scope.RequestsAsync(3, Ct, since)).Should().HaveCount(3, "every attempt was sent and timed out");
        client.Snapshot().Should().BeEquivalentTo(new { Retries = 4L, Failures = 2L });
    }
}
