using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace CdcBridge.Orders.Odoo;

/// <summary>
/// Odoo 17's external JSON-RPC API (<c>POST /jsonrpc</c>): <c>common.login</c> once, then <c>object.execute_kw</c>.
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

    /// <summary>The uid <c>common.login</c> answered; null before the first call.</summary>
    public int? Uid => _uid;

    public OdooClientSnapshot Snapshot() => new(Interlocked.Read(ref _requests), Interlocked.Read(ref _retries), Interlocked.Read(ref _failures),
        _throttle.InFlight, _throttle.TokenWait, Volatile.Read(ref _lastError));

    /// <summary>
    /// Logs in (once; later calls reuse the uid). A refused login is permanent: <c>common.login</c> answers false for a
    /// wrong login or password rather than an error (odoo.md §3.2).
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

            var result = await CallAsync("common", "login", [_options.Database, _options.Login, _options.Password], "common.login", ct);
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

    /// <summary><c>execute_kw(db, uid, password, model, method, args, kwargs)</c>: the call's <c>result</c>.</summary>
    public async Task<JsonNode?> ExecuteKwAsync(string model, string method, JsonArray args, JsonObject? kwargs, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(args);
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
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, token) => await state.Client.AttemptAsync(state.Body, state.Call, token),
                (Client: this, Body: body, Call: call), ct);
        }
        catch (OdooFaultException e)
        {
            throw Fail(e, call);
        }
    }

    private OdooFaultException Fail(OdooFaultException e, string call)
    {
        Interlocked.Increment(ref _failures);
        OdooClientMetrics.FailuresCounter.Add(1, new("call", call), new("transient", e.IsTransient));
        LogFailed(_logger, call, e.ErrorName, e.IsTransient);
        return e;
    }

    private async ValueTask<JsonNode?> AttemptAsync(string body, string call, CancellationToken ct)
    {
        var waitStarted = _options.TimeProvider.GetTimestamp();
        using var lease = await _throttle.AcquireAsync(ct);
        OdooClientMetrics.ThrottleWaitHistogram.Record(_options.TimeProvider.GetElapsedTime(waitStarted).TotalSeconds, new KeyValuePair<string, object?>("call", call));
        Interlocked.Increment(ref _requests);
        var sent = Stopwatch.GetTimestamp();
        try
        {
            var (status, text) = await SendAsync(body, ct);
            var result = Interpret(status, text);
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
        OdooClientMetrics.RequestsCounter.Add(1, new("call", call), new("outcome", outcome));
        OdooClientMetrics.DurationHistogram.Record(Stopwatch.GetElapsedTime(sent).TotalSeconds, new KeyValuePair<string, object?>("call", call));
    }

    private async Task<(int Status, string Text)> SendAsync(string body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.JsonRpcEndpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
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
                    OdooClientMetrics.RetriesCounter.Add(1);
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
