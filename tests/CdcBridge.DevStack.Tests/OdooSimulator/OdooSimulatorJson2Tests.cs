using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Tests.OdooSimulator;

/// <summary>
/// Odoo 19's JSON-2 route on the simulator: <c>POST /json/2/&lt;model&gt;/&lt;method&gt;</c> with a bearer API key and
/// named parameters; errors as 4xx/5xx with <c>{"name", "message", "arguments", "context", "debug"}</c>.
/// </summary>
public sealed class OdooSimulatorJson2Tests(InfrastructureFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wrong_or_missing_key_is_401_with_odoos_error_body_and_a_get_is_405()
    {
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, Ct);
        using var http = new HttpClient { BaseAddress = new Uri(scope.Simulator.Url) };

        var (wrongStatus, wrong) = await PostAsync(http, "/json/2/res.partner/search_count", new JsonObject { ["domain"] = new JsonArray() }, "not-the-key");
        var (missingStatus, missing) = await PostAsync(http, "/json/2/res.partner/search_count", [], key: null);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/json/2/res.partner/search_count");
        get.Headers.Authorization = new AuthenticationHeaderValue("bearer", scope.Simulator.Password);
        using var getResponse = await http.SendAsync(get, Ct);
        var getBody = JsonNode.Parse(await getResponse.Content.ReadAsStringAsync(Ct))!.AsObject();

        wrongStatus.Should().Be(401);
        wrong["name"]!.GetValue<string>().Should().Be("werkzeug.exceptions.Unauthorized");
        wrong["message"]!.GetValue<string>().Should().Be("Invalid apikey");
        wrong["arguments"]!.ToJsonString().Should().Be("""["Invalid apikey",401]""");
        wrong.AsObject().Select(p => p.Key).Should().BeEquivalentTo("name", "message", "arguments", "context", "debug");
        missingStatus.Should().Be(401);
        missing["name"]!.GetValue<string>().Should().Be("werkzeug.exceptions.Unauthorized");
        ((int)getResponse.StatusCode).Should().Be(405);
        getResponse.Content.Headers.Allow.Should().Equal("POST");
        getBody["name"]!.GetValue<string>().Should().Be("werkzeug.exceptions.MethodNotAllowed");
        scope.Simulator.Requests().Select(r => (r.Service, r.Model, r.Method, r.HttpStatus)).Should().Equal(
            ("json2", "res.partner", "search_count", 401), ("json2", "res.partner", "search_count", 401), ("json2", "res.partner", "search_count", 405));
    }

    [Fact]
    public async Task Named_parameters_answer_results_and_recordsets_come_back_as_ids()
    {
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, Ct);
        using var http = new HttpClient { BaseAddress = new Uri(scope.Simulator.Url) };
        var key = scope.Simulator.Password;

        var (readStatus, companies) = await PostAsync(http, "/json/2/res.partner/search_read",
            new JsonObject { ["domain"] = new JsonArray(new JsonArray("is_company", "=", true)), ["fields"] = new JsonArray("name"), ["order"] = "id" }, key);
        var (createStatus, created) = await PostAsync(http, "/json/2/res.partner/create",
            new JsonObject { ["vals_list"] = new JsonObject { ["name"] = "Json Two" }, ["context"] = new JsonObject { ["lang"] = "en_US" } }, key);
        var id = created.AsArray().Single()!.GetValue<int>();
        var (writeStatus, wrote) = await PostAsync(http, "/json/2/res.partner/write", new JsonObject { ["ids"] = new JsonArray(id), ["vals"] = new JsonObject { ["city"] = "Oslo" } }, key);
        var (contextStatus, context) = await PostAsync(http, "/json/2/res.users/context_get", [], key);
        using var version = await http.GetAsync("/web/version", Ct);
        var versionBody = JsonNode.Parse(await version.Content.ReadAsStringAsync(Ct))!;

        readStatus.Should().Be(200);
        companies.AsArray().Select(r => r!["id"]!.GetValue<int>()).Should().Equal(
            (await scope.RowsAsync("SELECT id FROM res_partner WHERE is_company IS TRUE AND active IS TRUE ORDER BY id", Ct)).Select(r => (int)r[0]!));
        companies.AsArray().Should().NotBeEmpty().And.OnlyContain(r => r!.AsObject().Count == 2 && r["name"] != null);
        createStatus.Should().Be(200, "create answers a recordset, as its ids list even for one dict");
        writeStatus.Should().Be(200);
        wrote.GetValue<bool>().Should().BeTrue();
        (await scope.RowsAsync("SELECT name, city FROM res_partner WHERE id = $1", Ct, id)).Single().Should().Equal("Json Two", "Oslo");
        contextStatus.Should().Be(200);
        context["uid"]!.GetValue<int>().Should().Be(scope.Simulator.Uid);
        context["lang"]!.GetValue<string>().Should().Be("en_US");
        context.AsObject().ContainsKey("tz").Should().BeTrue();
        ((int)version.StatusCode).Should().Be(200);
        versionBody["version"]!.GetValue<string>().Should().Be(CdcBridge.DevStack.Odoo.Simulator.OdooSimulator.ServerVersion);
        versionBody["version_info"]!.AsArray().Should().NotBeEmpty();
    }

    [Fact]
    public async Task Unknown_models_and_methods_are_404_bad_arguments_422_odoo_errors_by_their_status_and_a_foreign_database_404()
    {
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, Ct);
        using var http = new HttpClient { BaseAddress = new Uri(scope.Simulator.Url) };
        var key = scope.Simulator.Password;

        var (noModel, noModelBody) = await PostAsync(http, "/json/2/no.such.model/search", [], key);
        var (noMethod, noMethodBody) = await PostAsync(http, "/json/2/res.partner/no_such_method", [], key);
        var (idsToModel, idsToModelBody) = await PostAsync(http, "/json/2/res.partner/search", new JsonObject { ["ids"] = new JsonArray(1) }, key);
        var (badName, badNameBody) = await PostAsync(http, "/json/2/res.partner/search", new JsonObject { ["domian"] = new JsonArray() }, key);
        var (validation, validationBody) = await PostAsync(http, "/json/2/res.partner/create", new JsonObject { ["vals_list"] = new JsonArray(new JsonObject()) }, key);
        var (missing, missingBody) = await PostAsync(http, "/json/2/sale.order/action_confirm", new JsonObject { ["ids"] = new JsonArray(987654) }, key);
        var (otherDb, otherDbBody) = await PostAsync(http, "/json/2/res.partner/search_count", [], key, database: "not_" + scope.Simulator.Database);
        var (sameDb, count) = await PostAsync(http, "/json/2/res.partner/search_count", new JsonObject { ["domain"] = new JsonArray() }, key, database: scope.Simulator.Database);

        (noModel, noModelBody["name"]!.GetValue<string>()).Should().Be((404, "werkzeug.exceptions.NotFound"));
        noModelBody["message"]!.GetValue<string>().Should().Contain("no.such.model");
        (noMethod, noMethodBody["name"]!.GetValue<string>()).Should().Be((404, "werkzeug.exceptions.NotFound"));
        noMethodBody["message"]!.GetValue<string>().Should().Contain("no_such_method");
        (idsToModel, idsToModelBody["name"]!.GetValue<string>()).Should().Be((422, "werkzeug.exceptions.UnprocessableEntity"));
        (badName, badNameBody["name"]!.GetValue<string>()).Should().Be((422, "werkzeug.exceptions.UnprocessableEntity"));
        badNameBody["message"]!.GetValue<string>().Should().Contain("domian");
        (validation, validationBody["name"]!.GetValue<string>()).Should().Be((422, "odoo.exceptions.ValidationError"));
        (missing, missingBody["name"]!.GetValue<string>()).Should().Be((404, "odoo.exceptions.MissingError"));
        (otherDb, otherDbBody["name"]!.GetValue<string>()).Should().Be((404, "werkzeug.exceptions.NotFound"));
        sameDb.Should().Be(200);
        count.GetValue<int>().Should().BePositive();
    }

    [Fact]
    public async Task Injected_serialization_failures_answer_500_with_the_psycopg2_name_and_are_logged()
    {
        await using var scope = await OdooSimulatorScope.StartAsync(fixture, Ct);
        using var http = new HttpClient { BaseAddress = new Uri(scope.Simulator.Url) };
        scope.Simulator.InjectFaults(new() { SerializationFailures = 1 });

        var (failed, error) = await PostAsync(http, "/json/2/res.partner/search_count", [], scope.Simulator.Password);
        var (next, _) = await PostAsync(http, "/json/2/res.partner/search_count", [], scope.Simulator.Password);

        (failed, error["name"]!.GetValue<string>()).Should().Be((500, "psycopg2.errors.SerializationFailure"));
        next.Should().Be(200);
        scope.Simulator.Requests().Select(r => (r.HttpStatus, r.Outcome, r.Tries)).Should().Equal(
            (500, "error:psycopg2.errors.SerializationFailure", 5), (200, "ok", 1));
    }

    private static async Task<(int Status, JsonNode Body)> PostAsync(HttpClient http, string path, JsonObject body, string? key, string? database = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("bearer", key);
        }

        if (database is not null)
        {
            request.Headers.Add("X-Odoo-Database", database);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, JsonNode.Parse(text) ?? JsonValue.Create("null")!);
    }
}
