using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Shopify;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// Odoo 17's external JSON-RPC API on <c>http://127.0.0.1:PORT/jsonrpc</c> over the <c>odoo</c> database: the
/// <c>common</c> service (version, login, authenticate), the <c>object</c> service (execute_kw and execute) for the
/// partner, product and sales models the order writer uses, and <c>/web/session/authenticate</c> and
/// <c>/web/webclient/version_info</c> for clients such as odoorpc. Writes go to the tables as Odoo writes them (see
/// <see cref="SaleOrders"/> and <see cref="Stock"/>), so change capture and the availability projection see the real
/// effects. <c>/_sim/faults</c> injects faults, <c>/_sim/requests</c> lists every request.
/// </summary>
public sealed partial class OdooSimulator : IAsyncDisposable
{
    public const string ServerVersion = "17.0";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly OdooSimulatorOptions _options;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ObjectService _objects;
    private readonly object _faultGate = new();
    private readonly object _logGate = new();
    private readonly List<OdooSimRequest> _requests = [];
    private readonly byte[] _password;
    private WebApplication? _app;
    private long _nextSeq = 1;
    private int _inFlight;
    private int _serializationFailures;
    private int _http5xxRemaining;
    private int _http5xxStatus = 503;
    private int _latencyMs;
    private DateTimeOffset _downUntil = DateTimeOffset.MinValue;
    private string _downMode = "502";
    private int _disposed;

    private OdooSimulator(OdooSimulatorOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _password = Encoding.UTF8.GetBytes(options.Password);
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        _objects = new ObjectService(_dataSource, options);
    }

    /// <summary>Absolute base URL, <c>http://127.0.0.1:PORT</c>, without a trailing slash; JSON-RPC is at <c>{Url}/jsonrpc</c>.</summary>
    public string Url { get; private set; } = "";

    public string Database => _options.EffectiveDatabase;

    public string Login => _options.Login;

    public string Password => _options.Password;

    /// <summary>The res_users id of <see cref="Login"/>: what login answers.</summary>
    public int Uid { get; private set; }

    public static async Task<OdooSimulator> StartAsync(OdooSimulatorOptions options, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var simulator = new OdooSimulator(options, loggerFactory.CreateLogger<OdooSimulator>());
        try
        {
            await using (var connection = await simulator._dataSource.OpenConnectionAsync(ct))
            {
                await OdooSequences.EnsureAsync(connection, ct);
                await using var user = new NpgsqlCommand("SELECT id FROM res_users WHERE login = $1 AND active IS NOT FALSE", connection)
                {
                    Parameters = { new() { Value = options.Login } },
                };
                simulator.Uid = await user.ExecuteScalarAsync(ct) as int?
                    ?? throw new InvalidOperationException($"The Odoo database has no active user '{options.Login}'.");
            }

            simulator._app = simulator.BuildApp();
            await simulator._app.StartAsync(ct);
            var address = simulator._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            simulator.Url = address.TrimEnd('/');
            LogStarted(simulator._logger, simulator.Url, simulator.Database, options.Login);
            return simulator;
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        await _dataSource.DisposeAsync();
    }

    /// <summary>The request log after <paramref name="since"/> (a seq), oldest first.</summary>
    public IReadOnlyList<OdooSimRequest> Requests(long since = 0)
    {
        lock (_logGate)
        {
            return _requests.Where(r => r.Seq > since).ToList();
        }
    }

    public void ClearRequests()
    {
        lock (_logGate)
        {
            _requests.Clear();
        }
    }

    public void InjectFaults(OdooSimFaults faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        lock (_faultGate)
        {
            _serializationFailures += Math.Max(0, faults.SerializationFailures ?? 0);
            if (faults.Http5xx is { } http)
            {
                _http5xxRemaining += Math.Max(0, http.Count);
                _http5xxStatus = http.Status is >= 500 and <= 599 ? http.Status : 503;
            }

            if (faults.LatencyMs is { } latency)
            {
                _latencyMs = Math.Max(0, latency);
            }

            if (faults.Down is { } down)
            {
                _downUntil = _options.TimeProvider.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(0, down.Seconds));
                _downMode = down.Mode == "reset" ? "reset" : "502";
            }
        }

        LogFaults(_logger, faults);
    }

    public void ClearFaults()
    {
        lock (_faultGate)
        {
            _serializationFailures = 0;
            _http5xxRemaining = 0;
            _latencyMs = 0;
            _downUntil = DateTimeOffset.MinValue;
        }
    }

    private WebApplication BuildApp()
    {
        // The empty builder reads no appsettings.json or environment (as the Shopify simulator).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(OdooSimulator).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, SimulatorHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        app.UseRouting();
        app.MapPost("/jsonrpc", context => ServeAsync(context, JsonRpcAsync));
        app.MapPost("/web/session/authenticate", context => ServeAsync(context, SessionAuthenticateAsync));
        app.MapPost("/web/webclient/version_info", context => ServeAsync(context, VersionInfoAsync));
        MapJson2(app);
        app.MapGet("/_sim/requests", context =>
        {
            var since = long.TryParse(context.Request.Query["since"].FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 0;
            return WriteAsync(context, 200, JsonSerializer.Serialize(Requests(since), Json));
        });
        app.MapDelete("/_sim/requests", context =>
        {
            ClearRequests();
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        app.MapPost("/_sim/faults", FaultsAsync);
        app.MapDelete("/_sim/faults", context =>
        {
            ClearFaults();
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        return app;
    }

    private async Task FaultsAsync(HttpContext context)
    {
        try
        {
            var faults = await JsonSerializer.DeserializeAsync<OdooSimFaults>(context.Request.Body, Json, context.RequestAborted)
                ?? throw new JsonException("A faults body is required.");
            InjectFaults(faults);
            await WriteAsync(context, 200, "{}");
        }
        catch (JsonException e)
        {
            await WriteAsync(context, 422, JsonSerializer.Serialize(new { errors = e.Message }, Json));
        }
    }

    /// <summary>What one call did, for the request log.</summary>
    private readonly record struct Outcome(string? Service, string? Model, string? Method, int Tries);

    private delegate Task<(JsonNode? Result, Outcome Outcome)> Handler(JsonObject parameters, Outcome partial, CancellationToken ct);

    /// <summary>Faults, the JSON-RPC envelope, Odoo's error shape and the request log around one Odoo route.</summary>
    private async Task ServeAsync(HttpContext context, Handler handler)
    {
        var clock = Stopwatch.StartNew();
        var arrived = _options.TimeProvider.GetUtcNow();
        var inFlight = Interlocked.Increment(ref _inFlight);
        var path = context.Request.Path.Value ?? "";
        var outcome = new Outcome(null, null, null, 0);
        var status = 200;
        var result = "ok";
        try
        {
            if (await FaultAsync(context) is { } fault)
            {
                (status, result) = fault;
                return;
            }

            var contentType = context.Request.ContentType ?? "";
            if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            {
                (status, result) = (400, "badRequest");
                await WriteAsync(context, 400, $"Bad Request\nRequest inferred type is compatible with ['http'] but '{path}' is type='json'.", "text/plain; charset=utf-8");
                return;
            }

            JsonObject? body;
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
            }
            catch (JsonException)
            {
                body = null;
            }

            if (body is null)
            {
                (status, result) = (400, "badRequest");
                await WriteAsync(context, 400, "Bad Request\nInvalid JSON data", "text/plain; charset=utf-8");
                return;
            }

            var id = body["id"]?.DeepClone();
            var response = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id };
            try
            {
                var parameters = body["params"] as JsonObject ?? [];
                var (value, done) = await handler(parameters, outcome, context.RequestAborted);
                outcome = done;
                if (value is not null)
                {
                    response["result"] = value;
                }

                result = "ok";
            }
            catch (OdooCallException e)
            {
                outcome = e.Outcome;
                response["error"] = e.Error.ToJsonRpcError();
                result = "error:" + e.Error.Name;
            }
            catch (OdooRpcException e)
            {
                response["error"] = e.ToJsonRpcError();
                result = "error:" + e.Name;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A simulator defect or an unexpected database error: still Odoo's error shape, named plainly.
                LogUnexpected(_logger, e);
                var error = new OdooRpcException(e is NpgsqlException ? "psycopg2.DatabaseError" : "builtins." + e.GetType().Name, e.Message);
                response["error"] = error.ToJsonRpcError();
                result = "error:" + error.Name;
            }

            await WriteAsync(context, 200, response.ToJsonString(Json));
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

    /// <summary>
    /// The injected faults every Odoo route answers first (down, HTTP 5xx, latency): the status and log outcome when a
    /// fault answered the request, null when the route should serve it.
    /// </summary>
    private async Task<(int Status, string Result)?> FaultAsync(HttpContext context)
    {
        int latency, failStatus = 0;
        bool down;
        string downMode;
        lock (_faultGate)
        {
            latency = _latencyMs;
            down = _options.TimeProvider.GetUtcNow() < _downUntil;
            downMode = _downMode;
            if (!down && _http5xxRemaining > 0)
            {
                _http5xxRemaining--;
                failStatus = _http5xxStatus;
            }
        }

        if (down)
        {
            if (downMode == "reset")
            {
                context.Abort();
                return (0, "down:reset");
            }

            await WriteHtmlAsync(context, 502, "Bad Gateway");
            return (502, "down:502");
        }

        if (latency > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(latency), _options.TimeProvider, context.RequestAborted);
        }

        if (failStatus != 0)
        {
            await WriteHtmlAsync(context, failStatus, failStatus == 503 ? "Service Unavailable" : failStatus == 504 ? "Gateway Time-out" : "Server Error");
            return (failStatus, "http" + failStatus.ToString(CultureInfo.InvariantCulture));
        }

        return null;
    }

    /// <summary>An Odoo exception raised after the call was identified (so the log names the model and method).</summary>
    private sealed class OdooCallException(OdooRpcException error, Outcome outcome) : Exception(error.Message, error)
    {
        public OdooRpcException Error { get; } = error;

        public Outcome Outcome { get; } = outcome;
    }

    private async Task<(JsonNode? Result, Outcome Outcome)> JsonRpcAsync(JsonObject parameters, Outcome outcome, CancellationToken ct)
    {
        var service = OdooValues.String(parameters["service"]) ?? "";
        var method = OdooValues.String(parameters["method"]) ?? "";
        var args = parameters["args"] as JsonArray ?? [];
        outcome = outcome with { Service = service, Method = method };
        try
        {
            switch (service)
            {
                case "common":
                    return (method switch
                    {
                        "version" => Version(),
                        "login" => Authenticate(OdooValues.String(Arg(args, 0)), OdooValues.String(Arg(args, 1)), OdooValues.String(Arg(args, 2))),
                        "authenticate" => Authenticate(OdooValues.String(Arg(args, 0)), OdooValues.String(Arg(args, 1)), OdooValues.String(Arg(args, 2))),
                        "about" => "See http://openerp.com",
                        _ => throw new OdooRpcException("builtins.KeyError", $"'exp_{method}'"),
                    }, outcome);
                case "db":
                    return (method switch
                    {
                        "list" => new JsonArray(Database),
                        "server_version" => ServerVersion,
                        "db_exist" => OdooValues.String(Arg(args, 0)) == Database,
                        _ => throw new OdooRpcException("builtins.KeyError", $"'exp_{method}'"),
                    }, outcome);
                case "object":
                    return await ObjectAsync(method, args, outcome, ct);
                default:
                    throw new OdooRpcException("builtins.KeyError", $"'{service}'");
            }
        }
        catch (OdooRpcException e)
        {
            throw new OdooCallException(e, outcome);
        }
    }

    private async Task<(JsonNode? Result, Outcome Outcome)> ObjectAsync(string method, JsonArray args, Outcome outcome, CancellationToken ct)
    {
        if (method is not ("execute_kw" or "execute"))
        {
            throw new OdooRpcException("builtins.NameError", $"Method not available {method}");
        }

        var model = OdooValues.String(Arg(args, 3)) ?? "";
        var call = OdooValues.String(Arg(args, 4)) ?? "";
        outcome = outcome with { Model = model, Method = call };
        try
        {
            CheckDatabase(OdooValues.String(Arg(args, 0)));
            var uid = OdooValues.TryInt(Arg(args, 1), out var u) ? u : throw OdooRpcException.Value($"invalid literal for int() with base 10: {OdooValues.Describe(Arg(args, 1))}");
            if (uid != Uid || !PasswordMatches(OdooValues.String(Arg(args, 2))))
            {
                throw OdooRpcException.AccessDenied();
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

            if (fail)
            {
                outcome = outcome with { Tries = ObjectService.MaxTriesOnConcurrencyFailure };
                throw OdooRpcException.SerializationFailure();
            }

            JsonArray positional;
            JsonObject keywords;
            if (method == "execute_kw")
            {
                positional = Arg(args, 5) as JsonArray ?? [];
                keywords = Arg(args, 6) as JsonObject ?? [];
            }
            else
            {
                positional = [.. args.Skip(5).Select(a => a?.DeepClone())];
                keywords = [];
            }

            var (result, tries) = await _objects.ExecuteAsync(uid, model, call, positional, keywords, ct);
            return (result, outcome with { Tries = tries });
        }
        catch (OdooRpcException e)
        {
            throw new OdooCallException(e, outcome);
        }
    }

    private async Task<(JsonNode? Result, Outcome Outcome)> SessionAuthenticateAsync(JsonObject parameters, Outcome outcome, CancellationToken ct)
    {
        outcome = outcome with { Service = "web", Method = "session/authenticate" };
        var db = OdooValues.String(parameters["db"]);
        var uid = Authenticate(db, OdooValues.String(parameters["login"]), OdooValues.String(parameters["password"]));
        if (uid is not JsonValue v || !v.TryGetValue<int>(out var id))
        {
            throw new OdooCallException(OdooRpcException.AccessDenied(), outcome);
        }

        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT p.id, p.name, coalesce(p.lang, 'en_US'), coalesce(p.tz, 'UTC'), u.company_id FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1",
            connection)
        {
            Parameters = { new() { Value = id } },
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var info = new JsonObject
        {
            ["uid"] = id,
            ["is_system"] = true,
            ["is_admin"] = true,
            ["user_context"] = new JsonObject { ["lang"] = reader.GetString(2), ["tz"] = reader.GetString(3), ["uid"] = id },
            ["db"] = Database,
            ["server_version"] = ServerVersion,
            ["server_version_info"] = VersionInfo(),
            ["name"] = reader.GetString(1),
            ["username"] = Login,
            ["partner_display_name"] = reader.GetString(1),
            ["company_id"] = reader.GetInt32(4),
            ["partner_id"] = reader.GetInt32(0),
            ["web.base.url"] = Url,
        };
        return (info, outcome with { Tries = 1 });
    }

    private static Task<(JsonNode? Result, Outcome Outcome)> VersionInfoAsync(JsonObject parameters, Outcome outcome, CancellationToken ct) =>
        Task.FromResult<(JsonNode?, Outcome)>((Version(), outcome with { Service = "web", Method = "webclient/version_info", Tries = 1 }));

    private static JsonNode? Arg(JsonArray args, int index) => index < args.Count ? args[index] : null;

    private static JsonArray VersionInfo() => [17, 0, 0, "final", 0, ""];

    private static JsonObject Version() => new()
    {
        ["server_version"] = ServerVersion,
        ["server_version_info"] = VersionInfo(),
        ["server_serie"] = ServerVersion,
        ["protocol_version"] = 1,
    };

    /// <summary>common.login / common.authenticate: the uid, or false (never an error) for bad credentials.</summary>
    private JsonValue Authenticate(string? db, string? login, string? password)
    {
        CheckDatabase(db);
        return login == Login && PasswordMatches(password) ? JsonValue.Create(Uid) : JsonValue.Create(false);
    }

    private bool PasswordMatches(string? password) =>
        password is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), _password);

    /// <summary>An unknown database: what psycopg2 raises when Odoo opens its registry.</summary>
    private void CheckDatabase(string? db)
    {
        if (db != Database)
        {
            throw new OdooRpcException("psycopg2.OperationalError",
                $"connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"{db}\" does not exist\n");
        }
    }

    private void Record(DateTimeOffset at, string path, Outcome outcome, int status, string result, double durationMs, int inFlight)
    {
        lock (_logGate)
        {
            if (_requests.Count >= 100_000)
            {
                _requests.RemoveRange(0, 10_000);
            }

            _requests.Add(new OdooSimRequest(_nextSeq++, at, path, outcome.Service, outcome.Model, outcome.Method, status, result, Math.Round(durationMs, 3),
                outcome.Tries, inFlight));
        }
    }

    private static Task WriteHtmlAsync(HttpContext context, int status, string reason)
    {
        var code = status.ToString(CultureInfo.InvariantCulture);
        return WriteAsync(context, status, $"<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
            "text/html");
    }

    private static async Task WriteAsync(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Odoo simulator listening on {Url}/jsonrpc (database {Database}, login {Login})")]
    private static partial void LogStarted(ILogger logger, string url, string database, string login);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Odoo simulator: unexpected failure of a call")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Odoo simulator: faults {Faults}")]
    private static partial void LogFaults(ILogger logger, OdooSimFaults faults);
}
