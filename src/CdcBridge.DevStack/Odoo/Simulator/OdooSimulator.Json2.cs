using System.Collections.Frozen;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// Odoo 19's "JSON-2" external API (Odoo docs <c>content/developer/reference/external_api.rst</c>, versionadded 19.0;
/// <c>addons/web/controllers/json2.py</c>) over the same object service as execute_kw:
/// <c>POST /json/2/&lt;model&gt;/&lt;method&gt;</c> with <c>Authorization: bearer &lt;API key&gt;</c> (here: the simulator's
/// password), an optional <c>X-Odoo-Database</c>, and a JSON object body <c>{"ids": [...], "context": {...},
/// &lt;named params&gt;...}</c> (no positional arguments; <c>ids</c> empty or omitted for <c>@api.model</c> methods). The
/// answer is the result as JSON (a recordset as its ids list), or a 4xx/5xx with <c>{"name", "message", "arguments",
/// "context", "debug"}</c>: 401 bad key, 404 unknown model or method, 405 not POST, 422 arguments not matching the
/// method or a UserError/ValidationError, 403 AccessError, 500 anything else. Each call is its own transaction (retried
/// on serialization failures as execute_kw is). Plus <c>GET /web/version</c>. Faults and the request log as for
/// <c>/jsonrpc</c>; the log names the service <c>json2</c>.
/// </summary>
public sealed partial class OdooSimulator
{
    private const string UnauthorizedName = "werkzeug.exceptions.Unauthorized";
    private const string NotFoundName = "werkzeug.exceptions.NotFound";
    private const string MethodNotAllowedName = "werkzeug.exceptions.MethodNotAllowed";
    private const string UnprocessableEntityName = "werkzeug.exceptions.UnprocessableEntity";
    private const string BadRequestName = "werkzeug.exceptions.BadRequest";

    /// <summary>
    /// The methods the JSON-2 route serves: whether each works on records (<c>ids</c> becomes execute_kw's first
    /// positional argument) or is <c>@api.model</c> (ids refused), and its named parameters as in Odoo 19's signatures.
    /// They reach <see cref="ObjectService"/> as keyword arguments, which it binds by the same names. Any other method
    /// answers 404, as a method the model lacks.
    /// </summary>
    private static readonly FrozenDictionary<string, (bool OnRecords, string[] Parameters)> Json2Methods =
        new Dictionary<string, (bool, string[])>(StringComparer.Ordinal)
        {
            ["search"] = (false, ["domain", "offset", "limit", "order"]),
            ["search_count"] = (false, ["domain", "limit"]),
            ["search_read"] = (false, ["domain", "fields", "offset", "limit", "order"]),
            ["name_search"] = (false, ["name", "domain", "operator", "limit"]),
            ["fields_get"] = (false, ["allfields", "attributes"]),
            ["create"] = (false, ["vals_list"]),
            ["load"] = (false, ["fields", "data"]),
            ["check_object_reference"] = (false, ["module", "xml_id", "raise_on_access_error"]),
            ["context_get"] = (false, []),
            ["read"] = (true, ["fields", "load"]),
            ["write"] = (true, ["vals"]),
            ["exists"] = (true, []),
            ["unlink"] = (true, []),
            ["action_confirm"] = (true, []),
            ["action_cancel"] = (true, []),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private void MapJson2(WebApplication app)
    {
        // Every HTTP method reaches the handler, which answers 405 to all but POST (as Odoo's route, methods=['POST']).
        app.Map("/json/2/{model}/{method}", ServeJson2Async);
        app.Map("/web/version", ServeVersionAsync);
    }

    /// <summary>A JSON-2 error: its HTTP status and Odoo's exception.</summary>
    private sealed class Json2Exception(int status, OdooRpcException error) : Exception(error.Message, error)
    {
        public int Status { get; } = status;

        public OdooRpcException Error { get; } = error;

        /// <summary>What the call did before it failed (for the request log), when it got that far.</summary>
        public Outcome? Outcome { get; init; }

        /// <summary>A werkzeug HTTP exception; Odoo serialises its <c>arguments</c> as [description, code].</summary>
        public static Json2Exception Http(int status, string name, string message) => new(status, new OdooRpcException(name, message, [message, status]));
    }

    private Task ServeVersionAsync(HttpContext context) => ServeJson2Async(context, new Outcome("web", null, "version", 0), (_, outcome) =>
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            throw MethodNotAllowed(context, "GET");
        }

        // /web/version (auth='none'): odoo.release.version and version_info.
        return Task.FromResult<(JsonNode?, Outcome)>((new JsonObject { ["version"] = ServerVersion, ["version_info"] = VersionInfo() }, outcome with { Tries = 1 }));
    });

    private Task ServeJson2Async(HttpContext context)
    {
        var model = context.Request.RouteValues["model"] as string ?? "";
        var method = context.Request.RouteValues["method"] as string ?? "";
        return ServeJson2Async(context, new Outcome("json2", model, method, 0), (ct, outcome) => Json2Async(context, model, method, outcome, ct));
    }

    /// <summary>Faults, the JSON-2 answer (result or error with its status) and the request log around one JSON-2 route.</summary>
    private async Task ServeJson2Async(HttpContext context, Outcome outcome, Func<CancellationToken, Outcome, Task<(JsonNode? Result, Outcome Outcome)>> handler)
    {
        var clock = Stopwatch.StartNew();
        var arrived = _options.TimeProvider.GetUtcNow();
        var inFlight = Interlocked.Increment(ref _inFlight);
        var path = context.Request.Path.Value ?? "";
        var status = 200;
        var result = "ok";
        try
        {
            if (await FaultAsync(context) is { } fault)
            {
                (status, result) = fault;
                return;
            }

            string body;
            try
            {
                JsonNode? value;
                (value, outcome) = await handler(context.RequestAborted, outcome);
                body = value?.ToJsonString(Json) ?? "null";
            }
            catch (Json2Exception e)
            {
                outcome = e.Outcome ?? outcome;
                (status, result) = (e.Status, "error:" + e.Error.Name);
                body = e.Error.ToJson2Error().ToJsonString(Json);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogUnexpected(_logger, e);
                var error = new OdooRpcException(e is NpgsqlException ? "psycopg2.DatabaseError" : "builtins." + e.GetType().Name, e.Message);
                (status, result) = (500, "error:" + error.Name);
                body = error.ToJson2Error().ToJsonString(Json);
            }

            await WriteAsync(context, status, body);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            (status, result) = (499, "clientClosed");
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Record(arrived, path, outcome, status, result, clock.Elapsed.TotalMilliseconds, inFlight);
        }
    }

    private async Task<(JsonNode? Result, Outcome Outcome)> Json2Async(HttpContext context, string model, string method, Outcome outcome, CancellationToken ct)
    {
        // Routing first (405), then the database (a database route without one is 404), then the bearer key (401).
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            throw MethodNotAllowed(context, "POST");
        }

        if (context.Request.Headers["X-Odoo-Database"].FirstOrDefault() is { } database && database != Database)
        {
            throw Json2Exception.Http(404, NotFoundName, $"the database '{database}' does not exist on this server");
        }

        var authorization = context.Request.Headers.Authorization.FirstOrDefault() ?? "";
        var key = authorization.StartsWith("bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["bearer ".Length..].Trim() : null;
        if (!PasswordMatches(key))
        {
            throw Json2Exception.Http(401, UnauthorizedName, "Invalid apikey");
        }

        if (!OdooModels.All.ContainsKey(model))
        {
            throw Json2Exception.Http(404, NotFoundName, $"the model '{model}' does not exist");
        }

        if (method.StartsWith('_'))
        {
            throw new Json2Exception(403, OdooRpcException.Access($"Private methods (such as {method}) cannot be called remotely."));
        }

        if (!Json2Methods.TryGetValue(method, out var signature) || (method == "context_get" && model != "res.users"))
        {
            throw Json2Exception.Http(404, NotFoundName, $"the method '{method}' does not exist on the model '{model}'");
        }

        JsonObject body;
        try
        {
            body = context.Request.ContentLength == 0
                ? []
                : await JsonNode.ParseAsync(context.Request.Body, cancellationToken: ct) as JsonObject
                  ?? throw Json2Exception.Http(400, BadRequestName, "the body must be a JSON object");
        }
        catch (JsonException)
        {
            throw Json2Exception.Http(400, BadRequestName, "Invalid JSON data");
        }

        var ids = body["ids"] switch
        {
            null => [],
            JsonArray list when list.All(i => OdooValues.TryInt(i, out _)) => list,
            _ => throw Json2Exception.Http(422, UnprocessableEntityName, "ids must be a list of record ids"),
        };
        if (!signature.OnRecords && ids.Count > 0)
        {
            throw Json2Exception.Http(422, UnprocessableEntityName, $"cannot call {model}.{method} with ids");
        }

        var kwargs = new JsonObject();
        foreach (var (name, value) in body)
        {
            if (name is "ids")
            {
                continue;
            }

            if (name != "context" && !signature.Parameters.Contains(name))
            {
                throw Json2Exception.Http(422, UnprocessableEntityName, $"{model}.{method}() got an unexpected keyword argument '{name}'");
            }

            kwargs[name] = value?.DeepClone();
        }

        bool fail;
        lock (_faultGate)
        {
            fail = _serializationFailures > 0;
            if (fail)
            {
                _serializationFailures--;
            }
        }

        try
        {
            if (fail)
            {
                outcome = outcome with { Tries = ObjectService.MaxTriesOnConcurrencyFailure };
                throw OdooRpcException.SerializationFailure();
            }

            if (method == "context_get")
            {
                return (await ContextGetAsync(ct), outcome with { Tries = 1 });
            }

            JsonArray positional = signature.OnRecords ? [ids.DeepClone()] : [];
            var (result, tries) = await _objects.ExecuteAsync(Uid, model, method, positional, kwargs, ct);
            outcome = outcome with { Tries = tries };

            // create() answers a recordset, which JSON-2 returns as its ids, even for one dict.
            return (method == "create" && result is JsonValue one ? new JsonArray(one.DeepClone()) : result, outcome);
        }
        catch (OdooRpcException e)
        {
            throw new Json2Exception(Json2Status(e), e) { Outcome = outcome };
        }
    }

    private static Json2Exception MethodNotAllowed(HttpContext context, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return Json2Exception.Http(405, MethodNotAllowedName, "The method is not allowed for the requested URL.");
    }

    /// <summary>
    /// The status of an Odoo exception over JSON-2: the controller answers <c>exc.http_status</c> for UserError and its
    /// subclasses (UserError and ValidationError 422, AccessError and AccessDenied 403, MissingError 404), 422 for
    /// arguments that do not bind to the method, 404 for a method the model lacks, and 500 for everything else (a
    /// serialization failure after Odoo's retries included).
    /// </summary>
    private static int Json2Status(OdooRpcException e) => e.Name switch
    {
        OdooRpcException.UserErrorName or OdooRpcException.ValidationErrorName => 422,
        OdooRpcException.AccessErrorName or OdooRpcException.AccessDeniedName => 403,
        OdooRpcException.MissingErrorName => 404,
        "builtins.TypeError" => 422,
        "builtins.AttributeError" => 404,
        _ => 500,
    };

    /// <summary><c>res.users.context_get()</c>: the user's context, <c>{"uid", "lang", "tz"}</c> (JSON-2's replacement of common.login).</summary>
    private async Task<JsonObject> ContextGetAsync(CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(p.lang, 'en_US'), p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1", connection)
        {
            Parameters = { new() { Value = Uid } },
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new JsonObject
        {
            ["lang"] = reader.GetString(0),
            ["tz"] = await reader.IsDBNullAsync(1, ct) ? false : reader.GetString(1),
            ["uid"] = Uid,
        };
    }
}
