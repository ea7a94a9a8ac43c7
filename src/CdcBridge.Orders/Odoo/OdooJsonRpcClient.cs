using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace CdcBridge.Orders.Odoo;

/// <summary>
/// Odoo 17's external JSON-RPC API (<c>POST /jsonrpc</c>): <c>common.login</c> once, then <c>object.execute_kw</c>; or,
/// with <see cref="OdooConnectionOptions.Api"/> = <see cref="OdooApi.Json2"/>, Odoo 19's JSON-2 API (see
/// <see cref="ExecuteKwAsync"/>), with the same throttle, retries and errors.
/// Every HTTP request passes the throttle (<see cref="OdooConnectionOptions.RequestsPerSecond"/>,
/// <see cref="OdooConnectionOptions.Burst"/>, <see cref="OdooConnectionOptions.MaxInFlight"/>). Odoo answers errors as
/// HTTP 200 with <c>{"error": {"code": 200, "message": "Odoo Server Error", "data": {"name", "message", ...}}}</c>
/// (odoo.md §3.1). Transient failures (5xx, connection refused or reset, timeouts, and the serialization failures,
/// lock timeouts and deadlocks Odoo gives up on after its own 5 tries) are sent again with exponential backoff and
/// jitter; permanent ones throw <see cref="OdooFaultException"/> at once. Callers must only send calls that are safe to
/// repeat (reads, <c>load</c> with external ids, confirm and cancel). Thread-safe. The password is sent in the body and
/// never logged.
/// </summary>
public sealed partial class OdooJsonRpcClient : IDisposable
{
    private readonly OdooConnectionOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private readonly OdooRequestThrottle _throttle;
    private readonly ResiliencePipeline _pipeline;
    private readonly SemaphoreSlim _loginGate = new(1, 1);
    private int? _uid;
    private long _nextId;
    private long _requests;
    private long _retries;
    private long _failures;
    private string? _lastError;

    /// <param name="options">Where Odoo is and how hard to push it.</param>
    /// <param name="http">Shared HttpClient (its own timeout should be infinite); by default the client makes and owns one.</param>
    /// <param name="logger">Logs retries and failures by error name, never payloads.</param>
    public OdooJsonRpcClient(OdooConnectionOptions options, HttpClient? http = null, ILogger<OdooJsonRpcClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _throttle = new OdooRequestThrottle(options.RequestsPerSecond, options.Burst, options.MaxInFlight, options.TimeProvider);
        _pipeline = BuildPipeline();
    }

    public OdooConnectionOptions Options => _options;

    /// <summary>The uid <c>common.login</c> (JSON-2: <c>res.users/context_get</c>) answered; null before the first call.</summary>
    public int? Uid => _uid;

    public OdooClientSnapshot Snapshot() => new(Interlocked.Read(ref _requests), Interlocked.Read(ref _retries), Interlocked.Read(ref _failures),
        _throttle.InFlight, _throttle.TokenWait, Volatile.Read(ref _lastError));

    /// <summary>
    /// Logs in (once; later calls reuse the uid). A refused login is permanent: <c>common.login</c> answers false for a
    /// wrong login or password rather than an error (odoo.md §3.2). JSON-2 has no login: the API key goes with every
    /// request, and <c>POST /json/2/res.users/context_get</c> (the documented replacement of common.login) answers the
    /// key's user context, <c>{"uid": ..., "lang": ..., "tz": ...}</c>; a refused key is HTTP 401
    /// (<c>werkzeug.exceptions.Unauthorized</c>, "Invalid apikey"), reported as the same refused login.
    /// </summary>
    public async Task<int> AuthenticateAsync(CancellationToken ct)
    {
        if (_uid is { } known)
        {
            return known;
        }

        await _loginGate.WaitAsync(ct);
        try
        {
            if (_uid is { } raced)
            {
                return raced;
            }

            var result = _options.Api == OdooApi.Json2
                ? (await CallJson2Async("res.users", "context_get", [], "res.users.context_get", ct, login: true))?["uid"]
                : await CallAsync("common", "login", [_options.Database, _options.Login, _options.Password], "common.login", ct);
            if (result is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<int>(out var uid))
            {
                throw Fail(new OdooFaultException(OdooErrors.AccessDenied, $"Odoo refused the login for {_options.Login} on {_options.Database}", isTransient: false),
                    "common.login");
            }

            _uid = uid;
            return uid;
        }
        finally
        {
            _loginGate.Release();
        }
    }

    /// <summary>
    /// <c>execute_kw(db, uid, password, model, method, args, kwargs)</c>: the call's <c>result</c>. With JSON-2 the same
    /// call is <c>POST {Url}/json/2/{model}/{method}</c> with <c>Authorization: bearer &lt;API key&gt;</c>,
    /// <c>X-Odoo-Database</c> (needed when several databases share the host) and a JSON object body: the positional
    /// arguments by name (<see cref="OdooJson2Parameters"/>; JSON-2 has no positional arguments, <c>ids</c> is the
    /// recordset) merged with <paramref name="kwargs"/>. Each JSON-2 call is its own transaction, as execute_kw is; a
    /// recordset result comes back as its ids list. Errors are HTTP 4xx/5xx with
    /// <c>{"name", "message", "arguments", "context", "debug"}</c>.
    /// </summary>
    /// <exception cref="ArgumentException">JSON-2 only: positional arguments the client cannot name.</exception>
    public async Task<JsonNode?> ExecuteKwAsync(string model, string method, JsonArray args, JsonObject? kwargs, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(args);
        if (_options.Api == OdooApi.Json2)
        {
            var body = OdooJson2Parameters.Build(model, method, args, kwargs); // before the login: a caller's mistake, not Odoo's
            await AuthenticateAsync(ct);
            return await CallJson2Async(model, method, body, model + "." + method, ct);
        }

        var uid = await AuthenticateAsync(ct);
        return await CallAsync("object", "execute_kw",
            [_options.Database, uid, _options.Password, model, method, args.DeepClone(), kwargs?.DeepClone() ?? new JsonObject()], model + "." + method, ct);
    }

    public void Dispose()
    {
        _throttle.Dispose();
        _loginGate.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<JsonNode?> CallAsync(string service, string method, JsonArray args, string call, CancellationToken ct)
    {
        // Serialised once: every attempt sends the same body.
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "call",
            ["params"] = new JsonObject { ["service"] = service, ["method"] = method, ["args"] = args },
            ["id"] = Interlocked.Increment(ref _nextId),
        }.ToJsonString();
        return await SendWithRetriesAsync(new OdooRequest(_options.JsonRpcEndpoint, body, Json2: false, Login: false), call, ct);
    }

    private Task<JsonNode?> CallJson2Async(string model, string method, JsonObject body, string call, CancellationToken ct, bool login = false) =>
        SendWithRetriesAsync(new OdooRequest(_options.Json2Endpoint(model, method), body.ToJsonString(), Json2: true, login), call, ct);

    private async Task<JsonNode?> SendWithRetriesAsync(OdooRequest request, string call, CancellationToken ct)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, token) => await state.Client.AttemptAsync(state.Request, state.Call, token),
                (Client: this, Request: request, Call: call), ct);
        }
        catch (OdooFaultException e)
        {
            throw Fail(e, call);
        }
    }

    private OdooFaultException Fail(OdooFaultException e, string call)
    {
        Interlocked.Increment(ref _failures);
        OrdersMetrics.OdooFailures.Add(1, new("call", call), new("transient", e.IsTransient));
        LogFailed(_logger, call, e.ErrorName, e.IsTransient);
        return e;
    }

    /// <summary>One request, serialised once: every attempt sends the same body.</summary>
    private sealed record OdooRequest(Uri Endpoint, string Body, bool Json2, bool Login);

    private async ValueTask<JsonNode?> AttemptAsync(OdooRequest request, string call, CancellationToken ct)
    {
        var waitStarted = _options.TimeProvider.GetTimestamp();
        using var lease = await _throttle.AcquireAsync(ct);
        OrdersMetrics.OdooThrottleWait.Record(_options.TimeProvider.GetElapsedTime(waitStarted).TotalSeconds, new KeyValuePair<string, object?>("call", call));
        Interlocked.Increment(ref _requests);
        var sent = Stopwatch.GetTimestamp();
        try
        {
            var (status, text) = await SendAsync(request, ct);
            var result = request.Json2 ? InterpretJson2(status, text, request.Login) : Interpret(status, text);
            Count(call, "ok", sent);
            return result;
        }
        catch (OdooFaultException e)
        {
            Volatile.Write(ref _lastError, e.ErrorName);
            Count(call, e.IsTransient ? "transient" : "odoo_error", sent);
            throw;
        }
    }

    private static void Count(string call, string outcome, long sent)
    {
        OrdersMetrics.OdooRequests.Add(1, new("call", call), new("outcome", outcome));
        OrdersMetrics.OdooRequestDuration.Record(Stopwatch.GetElapsedTime(sent).TotalSeconds, new KeyValuePair<string, object?>("call", call));
    }

    private async Task<(int Status, string Text)> SendAsync(OdooRequest call, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, call.Endpoint) { Content = new StringContent(call.Body, Encoding.UTF8, "application/json") };
        if (call.Json2)
        {
            // JSON-2: "Authorization: bearer <API key>" (required), X-Odoo-Database (needed when several databases share
            // the host), a User-Agent (recommended). The key is never logged.
            request.Headers.Authorization = new AuthenticationHeaderValue("bearer", _options.Password);
            request.Headers.TryAddWithoutValidation("X-Odoo-Database", _options.Database);
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("CdcBridge", "1.0"));
        }

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            return ((int)response.StatusCode, text);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new OdooFaultException("timeout", $"no answer within {_options.RequestTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", isTransient: true, e);
        }
        catch (HttpRequestException e)
        {
            // Connection refused or reset, or the answer cut short: Odoo (or the proxy in front) is not there right now.
            throw new OdooFaultException("network", e.Message, isTransient: true, e);
        }
    }

    /// <summary>The JSON-RPC answer: <c>result</c>, or an Odoo error, or an HTTP failure of the server or a proxy in front.</summary>
    private static JsonNode? Interpret(int status, string text)
    {
        if (status is >= 500 or 429 or 408)
        {
            throw new OdooFaultException("http:" + status.ToString(CultureInfo.InvariantCulture), ((HttpStatusCode)status).ToString(), isTransient: true);
        }

        if (status is < 200 or >= 300)
        {
            throw new OdooFaultException("http:" + status.ToString(CultureInfo.InvariantCulture), Truncate(text), isTransient: false);
        }

        JsonObject reply;
        try
        {
            reply = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new OdooFaultException("bad_response", "the answer is not JSON-RPC: " + Truncate(text), isTransient: false, e);
        }

        if (reply["error"] is JsonObject error)
        {
            var data = error["data"] as JsonObject;
            var name = data?["name"]?.GetValue<string>() ?? "jsonrpc:" + (error["code"]?.ToJsonString() ?? "error");
            var message = data?["message"]?.GetValue<string>() ?? error["message"]?.GetValue<string>() ?? "";
            throw new OdooFaultException(name, message, OdooErrors.IsTransient(name, message));
        }

        return reply["result"]?.DeepClone();
    }

    /// <summary>
    /// A JSON-2 answer: 2xx carries the result itself as JSON (a recordset as its ids list); 4xx/5xx carry
    /// <c>{"name", "message", "arguments", "context", "debug"}</c> (401 Invalid apikey, 404 unknown model or method, 405
    /// not POST, 422 arguments not matching the method or a UserError/ValidationError, 403 AccessError, 500 anything
    /// else, e.g. a serialization failure Odoo gave up on). Transient: HTTP 502/503/504 (and 408/429) and 5xx without
    /// Odoo's body (a proxy), or 5xx whose name is a serialization, lock or connection failure
    /// (<see cref="OdooErrors.IsTransient"/>); every 4xx and every other Odoo error is permanent.
    /// </summary>
    private JsonNode? InterpretJson2(int status, string text, bool login)
    {
        if (status is >= 200 and < 300)
        {
            try
            {
                return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            }
            catch (JsonException e)
            {
                throw new OdooFaultException("bad_response", "the answer is not JSON: " + Truncate(text), isTransient: false, e);
            }
        }

        if (login && status == 401)
        {
            throw new OdooFaultException(OdooErrors.AccessDenied,
                $"Odoo refused the login for {_options.Login} on {_options.Database} (JSON-2: the API key was refused)", isTransient: false);
        }

        string? name = null, message = null;
        try
        {
            if (JsonNode.Parse(text) is JsonObject error && error["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String)
            {
                name = n.GetValue<string>();
                message = error["message"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : "";
            }
        }
        catch (JsonException)
        {
            // Not Odoo's error body: a proxy's page.
        }

        var transient = status is 502 or 503 or 504 or 429 or 408 || (status >= 500 && (name is null || OdooErrors.IsTransient(name, message ?? "")));
        throw name is null
            ? new OdooFaultException("http:" + status.ToString(CultureInfo.InvariantCulture), transient ? ((HttpStatusCode)status).ToString() : Truncate(text), transient)
            : new OdooFaultException(name, message ?? "", transient);
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private ResiliencePipeline BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _options.TimeProvider };
        if (_options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<OdooFaultException>(e => e.IsTransient),
                MaxRetryAttempts = _options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.MaxRetryDelay,
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    OrdersMetrics.OdooRetries.Add(1);
                    LogRetry(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, (args.Outcome.Exception as OdooFaultException)?.ErrorName);
                    return default;
                },
            });
        }

        return builder.Build();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Odoo: retry {Attempt} in {DelayMs:F0} ms after {ErrorName}")]
    private static partial void LogRetry(ILogger logger, int attempt, double delayMs, string? errorName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Odoo: {Call} failed with {ErrorName} (transient: {Transient})")]
    private static partial void LogFailed(ILogger logger, string call, string errorName, bool transient);
}
