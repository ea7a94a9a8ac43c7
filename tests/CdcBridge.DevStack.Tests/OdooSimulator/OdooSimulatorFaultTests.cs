using System.Net;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Odoo.Simulator;

namespace CdcBridge.DevStack.Tests.OdooSimulator;

/// <summary>Injected faults reach the client as Odoo (or the proxy in front of it) would show them, and the request log records them.</summary>
public sealed class OdooSimulatorFaultTests(InfrastructureFixture fixture)
{
    [Fact]
    public async Task Serialization_failures_surface_after_odoos_retries_and_nothing_is_written()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, ct);
        var partners = await scope.ScalarAsync<long>("SELECT count(*) FROM res_partner", ct);
        scope.Simulator.InjectFaults(new OdooSimFaults { SerializationFailures = 1 });

        var failed = await scope.ExecuteKwAsync("res.partner", "create", [new JsonObject { ["name"] = "Retry Example" }], ct: ct);
        failed["error"]!["data"]!["name"]!.GetValue<string>().Should().Be("psycopg2.errors.SerializationFailure");
        failed["error"]!["data"]!["message"]!.GetValue<string>().Should().StartWith("could not serialize access");
        (await scope.ScalarAsync<long>("SELECT count(*) FROM res_partner", ct)).Should().Be(partners);
        (await scope.ResultAsync("res.partner", "create", [new JsonObject { ["name"] = "Retry Example" }], ct: ct))!.GetValue<int>().Should().BePositive();

        var log = scope.Simulator.Requests();
        log.Should().HaveCount(2);
        log[0].Should().BeEquivalentTo(new { Service = "object", Model = "res.partner", Method = "create", HttpStatus = 200, Outcome = "error:psycopg2.errors.SerializationFailure", Tries = 5 });
        log[1].Should().BeEquivalentTo(new { Model = "res.partner", Method = "create", Outcome = "ok", Tries = 1 });
    }

    [Fact]
    public async Task Http_errors_latency_and_downtime_injected_over_http_show_in_the_request_log()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, ct);
        (await scope.PostJsonAsync("/_sim/faults", new { http5xx = new { count = 2, status = 503 } }, ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await scope.CallAsync("common", "version", [], ct)).Status.Should().Be(503);
        (await scope.CallAsync("common", "version", [], ct)).Status.Should().Be(503);
        (await scope.CallAsync("common", "version", [], ct)).Status.Should().Be(200);

        (await scope.PostJsonAsync("/_sim/faults", new { latencyMs = 150 }, ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await scope.ResultAsync("res.partner", "search_count", [new JsonArray()], ct: ct))!.GetValue<int>().Should().BePositive();
        scope.Simulator.InjectFaults(new OdooSimFaults { LatencyMs = 0, Down = new OdooDownFault(600) });
        (await scope.CallAsync("common", "version", [], ct)).Status.Should().Be(502);
        scope.Simulator.ClearFaults();
        (await scope.CallAsync("common", "version", [], ct)).Status.Should().Be(200);

        var log = scope.Simulator.Requests();
        log.Select(r => r.Outcome).Should().Equal("http503", "http503", "ok", "ok", "down:502", "ok");
        log.Select(r => r.HttpStatus).Should().Equal(503, 503, 200, 200, 502, 200);
        log[3].Should().BeEquivalentTo(new { Service = "object", Model = "res.partner", Method = "search_count" });
        log[3].DurationMs.Should().BeGreaterThanOrEqualTo(150);
        log.Select(r => r.Seq).Should().BeInAscendingOrder();
        var viaHttp = JsonNode.Parse(await (await new HttpClient().GetAsync(scope.Simulator.Url + "/_sim/requests?since=" + log[2].Seq, ct)).Content.ReadAsStringAsync(ct))!;
        viaHttp.AsArray().Select(r => r!["outcome"]!.GetValue<string>()).Should().Equal("ok", "down:502", "ok");
    }
}
