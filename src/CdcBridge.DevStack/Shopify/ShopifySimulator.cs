using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CdcBridge.DevStack.Shopify.GraphQl;
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

namespace CdcBridge.DevStack.Shopify;

/// <summary>
/// A stateful Shopify Admin GraphQL API for one shop on <c>http://127.0.0.1:PORT</c>: the inventory slice of the 2026-04
/// contract (locations, variants by SKU, inventory levels, inventorySetQuantities and inventoryAdjustQuantities with
/// mandatory <c>@idempotent</c> and compare-and-swap), Shopify's calculated query cost and leaky bucket, and
/// <c>/_sim/*</c> endpoints to inspect the shop, place and cancel orders, inspect webhook deliveries and inject faults.
/// With a subscription (<see cref="SubscribeWebhooks"/>) it delivers orders/create and orders/cancelled webhooks as
/// Shopify does: signed, retried, at least once and unordered.
/// <para>
/// Cost model (requested cost checked against the bucket before execution, actual cost charged after, the difference
/// refunded): scalars and enums 0; objects with an identity (Node types: Location, InventoryItem, InventoryLevel,
/// ProductVariant, Product, InventoryAdjustmentGroup, Shop) 1; value objects (payloads, user errors, changes,
/// quantities, page info, edges) 0; a connection 2 + first × the cost of one node's selection; a plain list of objects
/// costs its element selection once; a mutation root field 10. A single query may request at most 1,000
/// (MAX_COST_EXCEEDED). The actual cost counts what was returned: null objects cost nothing, connections count their
/// real nodes. This reproduces the captured costs of the inventory mutations (requested 13, actual 13 when a group is
/// returned and 10 when it is null).
/// </para>
/// </summary>
public sealed partial class ShopifySimulator : IAsyncDisposable
{
    /// <summary>The API version whose semantics the simulator implements (older versions are answered the same way).</summary>
    public const string ContractVersion = "2026-04";

    public const int MaxQueryCost = 1000;

    private const string InvalidTokenBody = "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}";

    // Relaxed escaping: quotes and apostrophes in messages stay readable ('available', not \u0027available\u0027), as Shopify writes them.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly WebApplication _app;
    private readonly SimulatorState _state;
    private readonly SimulatorCostBucket _bucket;
    private readonly SimulatorWebhooks _webhooks;
    private readonly ShopifySimulatorOptions _options;
    private readonly ILogger _logger;
    private readonly object _faultGate = new();
    private readonly object _logGate = new();
    private readonly List<ShopifySimRequest> _requests = [];
    private readonly byte[] _token;
    private long _nextSeq = 1;
    private int _http5xxRemaining;
    private int _http5xxStatus = 503;
    private int _failAfterApplyRemaining;
    private int _latencyMs;
    private int _disposed;

    private ShopifySimulator(ShopifySimulatorOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _token = Encoding.UTF8.GetBytes(options.AccessToken);
        _state = new SimulatorState(options.ShopDomain, options.Catalog, options.TimeProvider, options.IdempotencyKeyRetention);
        _bucket = new SimulatorCostBucket(options.EffectiveMaximumAvailable, options.EffectiveRestoreRate, options.TimeProvider);
        _webhooks = new SimulatorWebhooks(options, ContractVersion, e => WebhookAttempted?.Invoke(this, e), logger);
        _app = BuildApp(options, this);
    }

    /// <summary>Absolute base URL, <c>http://127.0.0.1:PORT</c>, without a trailing slash.</summary>
    public string Url { get; private set; } = "";

    public string ShopDomain => _options.ShopDomain;

    public string AccessToken => _options.AccessToken;

#pragma warning disable CA1822 // an instance property beside Url and AccessToken, for callers that configure a client from it
    public string ApiVersion => ContractVersion;
#pragma warning restore CA1822

    /// <summary>The GraphQL endpoint for <see cref="ApiVersion"/>.</summary>
    public Uri GraphQlUri => new($"{Url}/admin/api/{ApiVersion}/graphql.json");

    public double RestoreRate => _bucket.RestoreRate;

    public double MaximumAvailable => _bucket.MaximumAvailable;

    /// <summary>Raised after an order is placed (outside the shop's lock), once its orders/create delivery is scheduled.</summary>
    public event EventHandler<ShopifyOrderPlacedEventArgs>? OrderPlaced;

    public static async Task<ShopifySimulator> StartAsync(ShopifySimulatorOptions options, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<ShopifySimulator>();
        var simulator = new ShopifySimulator(options, logger);
        try
        {
            await simulator._app.StartAsync(ct);
            var address = simulator._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            simulator.Url = address.TrimEnd('/');
            LogStarted(logger, options.ShopDomain, simulator.Url, options.Catalog.Locations.Count, options.Catalog.Variants.Count);
            return simulator;
        }
        catch
        {
            await simulator._webhooks.DisposeAsync();
            await simulator._app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _webhooks.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>Levels of one SKU (or all) at every location, as <c>GET /_sim/inventory</c> lists them.</summary>
    public IReadOnlyList<ShopifySimInventoryRow> Inventory(string? sku = null) => _state.Inventory(sku);

    /// <summary>One SKU's level at one location (numeric id).</summary>
    public ShopifySimInventoryRow Level(string sku, long locationId) =>
        _state.Inventory(sku).SingleOrDefault(r => r.LocationId == ShopifyGid.Location(locationId))
        ?? throw new ShopifySimulatorException($"No level for SKU '{sku}' at location {locationId}.");

    /// <summary>
    /// Places an order as a shopper would (see <c>POST /_sim/orders</c>) and, with a webhook subscription, delivers its
    /// orders/create webhook in the background.
    /// </summary>
    public ShopifySimOrder PlaceOrder(ShopifySimOrderRequest request) => PlaceOrderCore(request).Order;

    public IReadOnlyList<ShopifySimOrder> Orders() => _state.Orders();

    /// <summary>The request log after <paramref name="since"/> (a seq), oldest first.</summary>
    public IReadOnlyList<ShopifySimRequest> Requests(long since = 0)
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

    /// <summary>Injects faults (see <see cref="ShopifySimFaults"/>); returns the level a concurrent adjustment left, if one was asked for.</summary>
    public ShopifySimInventoryRow? InjectFaults(ShopifySimFaults faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        ShopifySimInventoryRow? adjusted = null;
        if (faults.ConcurrentAdjust is { } adjust)
        {
            adjusted = _state.AdjustNow(adjust.Sku, adjust.LocationId, adjust.Name, adjust.Delta);
        }

        lock (_faultGate)
        {
            if (faults.Http5xx is { } http)
            {
                _http5xxRemaining += http.Count;
                _http5xxStatus = http.Status is >= 500 and <= 599 ? http.Status : 503;
            }

            if (faults.FailAfterApply is { } fail)
            {
                _failAfterApplyRemaining += fail.Count;
            }

            if (faults.LatencyMs is { } latency)
            {
                _latencyMs = Math.Max(0, latency);
            }
        }

        if (faults.ThrottleStorm is { } storm)
        {
            _bucket.Storm(TimeSpan.FromSeconds(storm.Seconds));
        }

        LogFaults(_logger, ShopDomain, faults);
        return adjusted;
    }

    public void ClearFaults()
    {
        lock (_faultGate)
        {
            _http5xxRemaining = 0;
            _failAfterApplyRemaining = 0;
            _latencyMs = 0;
        }

        _bucket.Reset();
    }

    private static WebApplication BuildApp(ShopifySimulatorOptions options, ShopifySimulator simulator)
    {
        // The empty builder reads no appsettings.json or environment: a Kestrel section meant for the host process must not
        // add endpoints here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(ShopifySimulator).Assembly.GetName().Name });
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
        app.MapPost("/admin/api/{version}/graphql.json", simulator.GraphQlAsync);
        app.MapGet("/_sim/inventory", simulator.InventoryAsync);
        app.MapPost("/_sim/orders", simulator.PlaceOrderAsync);
        app.MapGet("/_sim/orders", context => WriteJsonAsync(context, 200, simulator.Orders()));
        app.MapPost("/_sim/orders/{id}/cancel", simulator.CancelOrderAsync);
        app.MapGet("/_sim/webhooks", context => WriteJsonAsync(context, 200, simulator.WebhookDeliveries()));
        app.MapGet("/_sim/requests", simulator.RequestsAsync);
        app.MapDelete("/_sim/requests", context =>
        {
            simulator.ClearRequests();
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        app.MapPost("/_sim/faults", simulator.FaultsAsync);
        app.MapDelete("/_sim/faults", context =>
        {
            simulator.ClearFaults();
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        _ = options;
        return app;
    }

    private Task InventoryAsync(HttpContext context)
    {
        var sku = context.Request.Query["sku"].FirstOrDefault();
        return WriteJsonAsync(context, 200, Inventory(sku));
    }

    private Task RequestsAsync(HttpContext context)
    {
        var since = long.TryParse(context.Request.Query["since"].FirstOrDefault(), out var s) ? s : 0;
        return WriteJsonAsync(context, 200, Requests(since));
    }

    private async Task PlaceOrderAsync(HttpContext context)
    {
        ShopifySimOrder order;
        string? webhookId;
        try
        {
            var request = await JsonSerializer.DeserializeAsync<ShopifySimOrderRequest>(context.Request.Body, Json, context.RequestAborted)
                ?? throw new ShopifySimulatorException("An order body is required.");
            (order, webhookId) = PlaceOrderCore(request);
        }
        catch (Exception e) when (e is ShopifySimulatorException or JsonException)
        {
            await WriteJsonAsync(context, 422, new { errors = e.Message });
            return;
        }

        await WriteJsonAsync(context, 201, new JsonObject
        {
            ["id"] = order.Id,
            ["name"] = order.Name,
            ["admin_graphql_api_id"] = order.AdminGraphqlApiId,
            ["location_id"] = order.LocationId,
            ["webhook_id"] = webhookId,
        });
    }

    private async Task FaultsAsync(HttpContext context)
    {
        try
        {
            var faults = await JsonSerializer.DeserializeAsync<ShopifySimFaults>(context.Request.Body, Json, context.RequestAborted)
                ?? throw new ShopifySimulatorException("A faults body is required.");
            var adjusted = InjectFaults(faults);
            await WriteJsonAsync(context, 200, new { adjusted });
        }
        catch (Exception e) when (e is ShopifySimulatorException or JsonException)
        {
            await WriteJsonAsync(context, 422, new { errors = e.Message });
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}$")]
    private static partial Regex VersionPattern();

    private async Task GraphQlAsync(HttpContext context)
    {
        var version = (string)context.GetRouteValue("version")!;
        var presented = context.Request.Headers["X-Shopify-Access-Token"].FirstOrDefault() ?? "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token))
        {
            await WriteRawAsync(context, 401, InvalidTokenBody);
            return;
        }

        if (!VersionPattern().IsMatch(version))
        {
            await WriteRawAsync(context, 404, "{\"errors\":\"Not Found\"}");
            return;
        }

        context.Response.Headers["X-Shopify-API-Version"] = version;
        if (string.CompareOrdinal(version, ContractVersion) < 0)
        {
            LogOldVersion(_logger, version, ContractVersion);
        }

        int latency, failStatus = 0;
        lock (_faultGate)
        {
            latency = _latencyMs;
            if (_http5xxRemaining > 0)
            {
                _http5xxRemaining--;
                failStatus = _http5xxStatus;
            }
        }

        if (latency > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(latency), _options.TimeProvider, context.RequestAborted);
        }

        if (failStatus != 0)
        {
            Record(version, null, [], null, null, false, _bucket.Current().CurrentlyAvailable, failStatus, null, 0, "http" + failStatus);
            await WriteRawAsync(context, failStatus, "{\"errors\":\"Service Unavailable\"}");
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

        if (body?["query"] is not JsonValue queryValue || !queryValue.TryGetValue<string>(out var query))
        {
            Record(version, null, [], null, null, false, _bucket.Current().CurrentlyAvailable, 400, null, 0, "badRequest");
            await WriteRawAsync(context, 400, "{\"errors\":{\"query\":\"Required parameter missing or invalid\"}}");
            return;
        }

        var operationName = body["operationName"] is JsonValue name && name.TryGetValue<string>(out var n) ? n : null;
        var prepared = GqlExecutor.Prepare(query, body["variables"] as JsonObject, operationName, ShopifyAdminSchema.Query, ShopifyAdminSchema.Mutation);
        var (status, response, outcome) = Respond(prepared, out var requestContext);
        Record(version, prepared.Operation?.Name ?? operationName, prepared.RootFields, prepared.Failure is GqlFailure.None or GqlFailure.Validation ? prepared.RequestedCost : null,
            response["extensions"]?["cost"]?["actualQueryCost"]?.GetValue<int>(), outcome == "throttled",
            _bucket.Current().CurrentlyAvailable, status, requestContext?.IdempotencyKey, requestContext?.Quantities ?? 0, outcome);
        await WriteRawAsync(context, status, response.ToJsonString(Json));
    }

    private (int Status, JsonObject Response, string Outcome) Respond(GqlPrepared prepared, out SimRequestContext? requestContext)
    {
        requestContext = null;
        switch (prepared.Failure)
        {
            case GqlFailure.Parse:
            case GqlFailure.Variables:
                // As captured for INVALID_VARIABLE: errors only, no data, no cost.
                return (200, new JsonObject { ["errors"] = new JsonArray([.. prepared.Errors]) }, "error:" + FirstCode(prepared.Errors));
            case GqlFailure.Validation:
                return (200, new JsonObject
                {
                    ["errors"] = new JsonArray([.. prepared.Errors]),
                    ["extensions"] = Cost(prepared.RequestedCost, 0, _bucket.Current()),
                }, "error:" + FirstCode(prepared.Errors));
        }

        if (prepared.RequestedCost > MaxQueryCost)
        {
            // The wording Shopify is widely reported to answer with (not in the captures).
            var error = new JsonObject
            {
                ["message"] = $"Query cost is {prepared.RequestedCost}, which exceeds the single query max cost limit ({MaxQueryCost}).\n\n"
                    + "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
                    + "cost of a query is calculated.\n\n"
                    + "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
                    + "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
                ["extensions"] = new JsonObject { ["code"] = "MAX_COST_EXCEEDED", ["cost"] = prepared.RequestedCost, ["maxCost"] = MaxQueryCost },
            };
            return (200, new JsonObject
            {
                ["errors"] = new JsonArray(error),
                ["extensions"] = Cost(prepared.RequestedCost, null, _bucket.Current()),
            }, "error:MAX_COST_EXCEEDED");
        }

        if (!_bucket.TryTake(prepared.RequestedCost, out var throttled))
        {
            return (200, new JsonObject
            {
                ["errors"] = new JsonArray(new JsonObject
                {
                    ["message"] = "Throttled",
                    ["extensions"] = new JsonObject { ["code"] = "THROTTLED", ["documentation"] = "https://shopify.dev/api/usage/rate-limits" },
                }),
                ["extensions"] = Cost(prepared.RequestedCost, null, throttled),
            }, "throttled");
        }

        var request = new SimRequestContext(_state);
        requestContext = request;
        JsonObject data;
        List<JsonObject> errors;
        int actual;
        lock (_state.Gate)
        {
            (data, errors, actual) = GqlExecutor.Execute(prepared, request);
        }

        var status = _bucket.Refund(prepared.RequestedCost - actual);
        var response = new JsonObject();
        if (errors.Count > 0)
        {
            response["errors"] = new JsonArray([.. errors]);
        }

        response["data"] = data;
        response["extensions"] = Cost(prepared.RequestedCost, actual, status);
        var outcome = errors.Count > 0
            ? "error:" + FirstCode(errors)
            : request.Outcomes.Count > 0 ? string.Join(';', request.Outcomes.Select(o => o.Describe())) : "ok";

        if (prepared.Operation!.Type == GqlOperationType.Mutation && request.Outcomes.Count > 0)
        {
            var fail = false;
            lock (_faultGate)
            {
                if (_failAfterApplyRemaining > 0)
                {
                    _failAfterApplyRemaining--;
                    fail = true;
                }
            }

            if (fail)
            {
                return (503, new JsonObject { ["errors"] = "Service Unavailable" }, "failAfterApply:" + outcome);
            }
        }

        return (200, response, outcome);
    }

    private static string FirstCode(List<JsonObject> errors) =>
        errors.Count == 0 ? "none" : errors[0]["extensions"]?["code"]?.GetValue<string>() ?? "GRAPHQL_PARSE_FAILED";

    private static JsonObject Cost(int requested, int? actual, ShopifySimThrottleStatus status) => new()
    {
        ["cost"] = new JsonObject
        {
            ["requestedQueryCost"] = requested,
            ["actualQueryCost"] = actual,
            ["throttleStatus"] = new JsonObject
            {
                ["maximumAvailable"] = status.MaximumAvailable,
                ["currentlyAvailable"] = status.CurrentlyAvailable,
                ["restoreRate"] = status.RestoreRate,
            },
        },
    };

    private void Record(string version, string? operationName, IReadOnlyList<string> rootFields, int? requested, int? actual, bool throttled,
        double available, int status, string? key, int quantities, string outcome)
    {
        lock (_logGate)
        {
            if (_requests.Count >= 100_000)
            {
                _requests.RemoveRange(0, 10_000);
            }

            _requests.Add(new ShopifySimRequest(_nextSeq++, _options.TimeProvider.GetUtcNow(), version, operationName, rootFields, requested, actual,
                throttled, available, status, key, quantities, outcome));
        }
    }

    private static Task WriteJsonAsync<T>(HttpContext context, int status, T value) =>
        WriteRawAsync(context, status, JsonSerializer.Serialize(value, Json));

    private static async Task WriteRawAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shopify simulator for {Shop} listening on {Url} ({Locations} locations, {Variants} variants)")]
    private static partial void LogStarted(ILogger logger, string shop, string url, int locations, int variants);

    [LoggerMessage(Level = LogLevel.Debug, Message = "API version {Version} requested; answering with {Contract} semantics")]
    private static partial void LogOldVersion(ILogger logger, string version, string contract);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shopify simulator for {Shop}: faults {Faults}")]
    private static partial void LogFaults(ILogger logger, string shop, ShopifySimFaults faults);
}

/// <summary>
/// A host lifetime that does nothing: the simulator runs inside a larger process (the embedded stack, a test) that owns
/// Ctrl+C and SIGTERM.
/// </summary>
internal sealed class SimulatorHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
