using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace CdcBridge.Channels.Shopify;

/// <summary>
/// Reads and writes one store's inventory through the Admin GraphQL API (2026-04 contract), paced by the store's cost
/// bucket. Every call:
/// <list type="bullet">
/// <item>waits, if the bucket estimate says so, just long enough for its requested cost (<see cref="ShopifyCostBucket"/>);</item>
/// <item>treats THROTTLED as back-pressure: waits (requested − currentlyAvailable) / restoreRate plus a little jitter and
/// sends again, without counting a failure;</item>
/// <item>retries transient failures (5xx, 429 with Retry-After, network errors, timeouts) with exponential backoff and
/// jitter behind a circuit breaker, sending the very same body (so the same idempotency key) every time;</item>
/// <item>fails at once with a permanent <see cref="ShopifyApiException"/> on 401/403/404 and GraphQL errors.</item>
/// </list>
/// Thread-safe; one instance per store. The access token is sent as a header and never logged.
/// </summary>
public sealed partial class ShopifyInventoryClient
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ShopifyStore _store;
    private readonly HttpClient _http;
    private readonly ShopifyClientOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly ConcurrentDictionary<string, int> _requestedCost = new(StringComparer.Ordinal);
    private readonly KeyValuePair<string, object?> _shopTag;
    private readonly object _statsGate = new();
    private long _calls;
    private long _throttled;
    private long _retries;
    private long _failures;
    private double _costUsed;
    private TimeSpan _pacingWait;

    public ShopifyInventoryClient(ShopifyStore store, HttpClient http, ShopifyClientOptions? options = null, ILogger<ShopifyInventoryClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(http);
        _store = store;
        _http = http;
        _options = options ?? new ShopifyClientOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _endpoint = store.GraphQlEndpoint;
        _shopTag = new("shop", store.ShopDomain);
        Bucket = new ShopifyCostBucket(_options.TimeProvider);
        if (_options.Plan is { } plan)
        {
            Bucket.Observe(plan.FullBucket());
        }

        _pipeline = BuildPipeline();
    }

    public ShopifyStore Store => _store;

    /// <summary>The client's estimate of the store's cost bucket.</summary>
    public ShopifyCostBucket Bucket { get; }

    public ShopifyClientSnapshot Snapshot()
    {
        lock (_statsGate)
        {
            var estimate = Bucket.EstimateAvailable();
            return new ShopifyClientSnapshot(_store.ShopDomain, Bucket.LastStatus, Bucket.LastStatusAt, double.IsPositiveInfinity(estimate) ? -1 : estimate,
                _calls, _costUsed, _throttled, _retries, _failures, _pacingWait);
        }
    }

    /// <summary>All locations, inactive ones included.</summary>
    public async Task<IReadOnlyList<ShopifyLocation>> GetLocationsAsync(CancellationToken ct)
    {
        var locations = new List<ShopifyLocation>();
        string? after = null;
        do
        {
            var data = await QueryAsync(ShopifyDocuments.LocationsOperation, ShopifyDocuments.Locations, new JsonObject { ["after"] = after },
                ShopifyDocuments.LocationsCost, ct);
            var connection = data["locations"]!;
            foreach (var node in connection["nodes"]!.AsArray())
            {
                var gid = node!["id"]!.GetValue<string>();
                locations.Add(new ShopifyLocation(ParseGid(gid, "Location"), gid, node["name"]!.GetValue<string>(),
                    node["isActive"]?.GetValue<bool>() ?? true, node["fulfillsOnlineOrders"]?.GetValue<bool>() ?? false));
            }

            after = NextCursor(connection);
        }
        while (after is not null);

        return locations;
    }

    /// <summary>
    /// Finds variants by exact SKU. Shopify's search is tokenised (<c>sku:TEE-1</c> also finds TEE-10), so every hit's SKU
    /// is compared exactly (case-sensitively); SKUs not found are absent, SKUs on several variants are absent and listed in
    /// <see cref="ShopifyVariantDictionary.Ambiguous"/>.
    /// </summary>
    public async Task<ShopifyVariantDictionary> FindVariantsBySkuAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(skus);
        var matches = new Dictionary<string, List<ShopifyVariantRef>>(StringComparer.Ordinal);
        foreach (var batch in skus.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).Chunk(Math.Max(1, _options.SkusPerSearch)))
        {
            var wanted = batch.ToHashSet(StringComparer.Ordinal);
            var query = string.Join(" OR ", batch.Select(s => "sku:" + QuoteSearchValue(s)));
            string? after = null;
            do
            {
                var data = await QueryAsync(ShopifyDocuments.VariantsBySkuOperation, ShopifyDocuments.VariantsBySku,
                    new JsonObject { ["query"] = query, ["after"] = after }, ShopifyDocuments.VariantsBySkuCost, ct);
                var connection = data["productVariants"]!;
                foreach (var node in connection["nodes"]!.AsArray())
                {
                    var sku = node!["sku"]?.GetValue<string>();
                    if (sku is null || !wanted.Contains(sku))
                    {
                        continue; // a near miss of the fuzzy search
                    }

                    var variantGid = node["id"]!.GetValue<string>();
                    var item = node["inventoryItem"]!;
                    var itemGid = item["id"]!.GetValue<string>();
                    if (!matches.TryGetValue(sku, out var list))
                    {
                        matches[sku] = list = [];
                    }

                    if (list.All(v => v.VariantGid != variantGid))
                    {
                        list.Add(new ShopifyVariantRef(sku, ParseGid(variantGid, "ProductVariant"), variantGid, ParseGid(itemGid, "InventoryItem"), itemGid,
                            item["tracked"]?.GetValue<bool>() ?? false));
                    }
                }

                after = NextCursor(connection);
            }
            while (after is not null);
        }

        var found = new Dictionary<string, ShopifyVariantRef>(StringComparer.Ordinal);
        var ambiguous = new Dictionary<string, IReadOnlyList<ShopifyVariantRef>>(StringComparer.Ordinal);
        foreach (var (sku, list) in matches)
        {
            if (list.Count == 1)
            {
                found[sku] = list[0];
            }
            else
            {
                ambiguous[sku] = list;
                LogAmbiguousSku(_logger, _store.ShopDomain, sku, list.Count);
            }
        }

        return new ShopifyVariantDictionary(found, ambiguous);
    }

    /// <summary>Every inventory level at a location (pages of 250), by inventory item id.</summary>
    public async Task<IReadOnlyDictionary<long, ShopifyLevel>> ReadLevelsAsync(long locationId, CancellationToken ct)
    {
        var levels = new Dictionary<long, ShopifyLevel>();
        var gid = LocationGid(locationId);
        string? after = null;
        do
        {
            var data = await QueryAsync(ShopifyDocuments.LocationLevelsOperation, ShopifyDocuments.LocationLevels,
                new JsonObject { ["id"] = gid, ["after"] = after }, ShopifyDocuments.LocationLevelsCost, ct);
            var connection = data["location"]?["inventoryLevels"]
                ?? throw new ShopifyApiException($"Location {gid} does not exist in {_store.ShopDomain}.", "LOCATION_NOT_FOUND", isPermanent: true);
            foreach (var node in connection["nodes"]!.AsArray())
            {
                long available = 0, onHand = 0, committed = 0;
                foreach (var quantity in node!["quantities"]!.AsArray())
                {
                    var value = quantity!["quantity"]!.GetValue<long>();
                    switch (quantity["name"]!.GetValue<string>())
                    {
                        case "available": available = value; break;
                        case "on_hand": onHand = value; break;
                        case "committed": committed = value; break;
                    }
                }

                levels[ParseGid(node["item"]!["id"]!.GetValue<string>(), "InventoryItem")] = new ShopifyLevel(available, onHand, committed);
            }

            after = NextCursor(connection);
        }
        while (after is not null);

        return levels;
    }

    /// <summary>
    /// inventorySetQuantities with the request's idempotency key (the same on every retry). User errors come back as a
    /// <see cref="SetQuantitiesResult.Rejected"/> outcome naming the entries they point at; nothing was applied then.
    /// </summary>
    public async Task<SetQuantitiesOutcome> SetQuantitiesAsync(SetQuantitiesRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var quantities = new JsonArray();
        foreach (var entry in request.Quantities)
        {
            quantities.Add(new JsonObject
            {
                ["inventoryItemId"] = InventoryItemGid(entry.InventoryItemId),
                ["locationId"] = LocationGid(entry.LocationId),
                ["quantity"] = entry.Quantity,
                ["changeFromQuantity"] = entry.ChangeFromQuantity, // always present: null opts out of compare-and-swap
            });
        }

        var variables = new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["name"] = request.Name,
                ["reason"] = request.Reason,
                ["referenceDocumentUri"] = request.ReferenceDocumentUri,
                ["quantities"] = quantities,
            },
            ["idempotencyKey"] = request.IdempotencyKey,
        };

        var data = await QueryAsync(ShopifyDocuments.SetQuantitiesOperation, ShopifyDocuments.SetQuantities, variables, ShopifyDocuments.SetQuantitiesCost, ct);
        var payload = data["inventorySetQuantities"]
            ?? throw new ShopifyApiException("inventorySetQuantities returned null without errors.", "NULL_PAYLOAD", isPermanent: true);
        var errors = payload["userErrors"]?.AsArray().Select(e => ParseUserError(e!)).ToList() ?? [];
        if (errors.Count > 0)
        {
            return new SetQuantitiesOutcome(SetQuantitiesResult.Rejected, null, [], errors);
        }

        if (payload["inventoryAdjustmentGroup"] is not JsonObject group)
        {
            return new SetQuantitiesOutcome(SetQuantitiesResult.NoOp, null, [], []);
        }

        var changes = group["changes"]!.AsArray().Select(c => new ShopifyQuantityChange(
            c!["name"]!.GetValue<string>(), c["delta"]!.GetValue<int>(),
            ParseGid(c["item"]!["id"]!.GetValue<string>(), "InventoryItem"), ParseGid(c["location"]!["id"]!.GetValue<string>(), "Location"))).ToList();
        return new SetQuantitiesOutcome(SetQuantitiesResult.Applied, group["id"]!.GetValue<string>(), changes, []);
    }

    internal static string QuoteSearchValue(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string LocationGid(long id) => string.Create(CultureInfo.InvariantCulture, $"gid://shopify/Location/{id}");

    private static string InventoryItemGid(long id) => string.Create(CultureInfo.InvariantCulture, $"gid://shopify/InventoryItem/{id}");

    private static long ParseGid(string gid, string type)
    {
        var prefix = $"gid://shopify/{type}/";
        if (gid.StartsWith(prefix, StringComparison.Ordinal))
        {
            var rest = gid.AsSpan(prefix.Length);
            var query = rest.IndexOf('?');
            if (long.TryParse(query >= 0 ? rest[..query] : rest, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }

        throw new ShopifyApiException($"Unexpected {type} id '{gid}'.", "BAD_GID", isPermanent: true);
    }

    private static string? NextCursor(JsonNode connection) =>
        connection["pageInfo"]?["hasNextPage"]?.GetValue<bool>() == true ? connection["pageInfo"]!["endCursor"]!.GetValue<string>() : null;

    private static ShopifyUserError ParseUserError(JsonNode error)
    {
        var field = error["field"] is JsonArray path ? path.Select(p => p!.ToString()).ToList() : null;
        int? index = field is { Count: >= 3 } && field[0] == "input" && field[1] == "quantities"
            && int.TryParse(field[2], NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
        return new ShopifyUserError(error["code"]?.GetValue<string>(), field, error["message"]?.GetValue<string>() ?? "", index);
    }

    /// <summary>One logical call: pacing, throttling, retries and the circuit breaker around it. Returns <c>data</c>.</summary>
    internal async Task<JsonObject> QueryAsync(string operation, string document, JsonObject variables, int defaultCost, CancellationToken ct)
    {
        // Serialised once: every attempt sends the same bytes, so the same idempotency key.
        var body = new JsonObject { ["query"] = document, ["variables"] = variables, ["operationName"] = operation }.ToJsonString(Json);
        try
        {
            var response = await _pipeline.ExecuteAsync(
                static async (state, token) => await state.Client.AttemptAsync(state.Operation, state.Body, state.DefaultCost, token),
                (Client: this, Operation: operation, Body: body, DefaultCost: defaultCost), ct);
            return response["data"] as JsonObject ?? throw new ShopifyApiException("The response has no data.", "NO_DATA", isPermanent: true);
        }
        catch (BrokenCircuitException e)
        {
            Count(ref _failures);
            throw new ShopifyApiException($"{_store.ShopDomain}: the circuit is open after repeated failures.", "CIRCUIT_OPEN", isPermanent: false,
                retryAfter: e.RetryAfter, innerException: e);
        }
        catch (ShopifyApiException e)
        {
            Count(ref _failures);
            LogFailed(_logger, _store.ShopDomain, operation, e.Code, e.IsPermanent, e.Message);
            throw;
        }
    }

    private async ValueTask<JsonObject> AttemptAsync(string operation, string body, int defaultCost, CancellationToken ct)
    {
        var throttledInARow = 0;
        while (true)
        {
            var cost = _requestedCost.TryGetValue(operation, out var seen) ? seen : defaultCost;
            var waited = await Bucket.WaitForCapacityAsync(cost, ct);
            if (waited > TimeSpan.Zero)
            {
                lock (_statsGate)
                {
                    _pacingWait += waited;
                }

                ShopifyMetrics.PacingWaitHistogram.Record(waited.TotalSeconds, _shopTag, new("operation", operation));
            }

            var (status, text, retryAfter) = await SendOnceAsync(body, operation, ct);
            if (status == 429)
            {
                Called(operation, "transient");
                throw new ShopifyApiException($"{_store.ShopDomain}: HTTP 429 Too Many Requests.", "HTTP_429", isPermanent: false, 429, retryAfter);
            }

            if (status >= 500)
            {
                Called(operation, "transient");
                throw new ShopifyApiException($"{_store.ShopDomain}: HTTP {status}.", "HTTP_" + status.ToString(CultureInfo.InvariantCulture), isPermanent: false, status);
            }

            if (status is < 200 or >= 300)
            {
                Called(operation, "error");
                throw new ShopifyApiException($"{_store.ShopDomain}: HTTP {status}: {Truncate(text)}", "HTTP_" + status.ToString(CultureInfo.InvariantCulture), isPermanent: true, status);
            }

            JsonObject response;
            try
            {
                response = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException e)
            {
                Called(operation, "error");
                throw new ShopifyApiException($"{_store.ShopDomain}: the response is not a JSON object: {Truncate(text)}", "BAD_RESPONSE", isPermanent: true, status, innerException: e);
            }

            var requested = ObserveCost(response, operation);
            if (response["errors"] is JsonArray { Count: > 0 } errors)
            {
                if (errors.Any(e => e?["extensions"]?["code"]?.GetValue<string>() == "THROTTLED"))
                {
                    Called(operation, "throttled");
                    Count(ref _throttled);
                    ShopifyMetrics.ThrottledCounter.Add(1, _shopTag, new("operation", operation));
                    if (++throttledInARow > _options.MaxThrottledInARow)
                    {
                        throw new ShopifyApiException($"{_store.ShopDomain}: throttled {throttledInARow} times in a row.", "THROTTLED", isPermanent: false, status);
                    }

                    var jitter = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * _options.ThrottleJitter.TotalMilliseconds);
                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        var wait = Bucket.DelayFor(requested ?? cost) + jitter;
                        LogThrottled(_logger, _store.ShopDomain, operation, requested ?? cost, Bucket.LastStatus?.CurrentlyAvailable ?? 0, wait.TotalMilliseconds);
                    }
                    if (jitter > TimeSpan.Zero)
                    {
                        await Task.Delay(jitter, _options.TimeProvider, ct);
                    }

                    continue; // the bucket now knows how long to wait
                }

                Called(operation, "error");
                var first = errors[0]!;
                var code = first["extensions"]?["code"]?.GetValue<string>();
                var message = string.Join("; ", errors.Select(e => e?["message"]?.GetValue<string>()).Where(m => m is not null));
                throw new ShopifyApiException($"{_store.ShopDomain} {operation}: {message}", code, isPermanent: true, status);
            }

            Called(operation, "ok");
            return response;
        }
    }

    private async Task<(int Status, string Text, TimeSpan? RetryAfter)> SendOnceAsync(string body, string operation, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Shopify-Access-Token", _store.AccessToken);
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            TimeSpan? retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - _options.TimeProvider.GetUtcNow(),
                _ => null,
            };
            return ((int)response.StatusCode, text, retryAfter);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            Called(operation, "transient");
            throw new ShopifyApiException($"{_store.ShopDomain}: no answer within {_options.RequestTimeout}.", "TIMEOUT", isPermanent: false, innerException: e);
        }
        catch (HttpRequestException e)
        {
            Called(operation, "transient");
            throw new ShopifyApiException($"{_store.ShopDomain}: {e.Message}", "NETWORK", isPermanent: false, (int?)e.StatusCode, innerException: e);
        }
    }

    /// <summary>Feeds extensions.cost to the bucket, the per-operation cost estimate and the counters; returns requestedQueryCost.</summary>
    private int? ObserveCost(JsonObject response, string operation)
    {
        if (response["extensions"]?["cost"] is not JsonObject cost)
        {
            return null;
        }

        int? requested = cost["requestedQueryCost"] is JsonValue r && r.TryGetValue<double>(out var rv) ? (int)Math.Ceiling(rv) : null;
        if (requested is { } value)
        {
            _requestedCost[operation] = value;
        }

        if (cost["actualQueryCost"] is JsonValue a && a.TryGetValue<double>(out var actual))
        {
            lock (_statsGate)
            {
                _costUsed += actual;
            }

            ShopifyMetrics.CostCounter.Add(actual, _shopTag, new("operation", operation));
        }

        if (cost["throttleStatus"] is JsonObject throttle
            && throttle["maximumAvailable"]?.GetValue<double>() is { } maximum
            && throttle["currentlyAvailable"]?.GetValue<double>() is { } available
            && throttle["restoreRate"]?.GetValue<double>() is { } rate)
        {
            Bucket.Observe(new ShopifyThrottleStatus(maximum, available, rate));
        }

        return requested;
    }

    private void Called(string operation, string outcome)
    {
        Count(ref _calls);
        ShopifyMetrics.CallsCounter.Add(1, _shopTag, new("operation", operation), new("outcome", outcome));
    }

    private void Count(ref long counter)
    {
        lock (_statsGate)
        {
            counter++;
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private ResiliencePipeline BuildPipeline()
    {
        var transient = new PredicateBuilder().Handle<ShopifyApiException>(e => !e.IsPermanent);
        var builder = new ResiliencePipelineBuilder { TimeProvider = _options.TimeProvider };
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.MaxRetryDelay,
                DelayGenerator = args => new ValueTask<TimeSpan?>(args.Outcome.Exception is ShopifyApiException { RetryAfter: { } after } && after > TimeSpan.Zero
                    ? after
                    : null),
                OnRetry = args =>
                {
                    Count(ref _retries);
                    ShopifyMetrics.RetriesCounter.Add(1, _shopTag);
                    var code = (args.Outcome.Exception as ShopifyApiException)?.Code;
                    LogRetry(_logger, _store.ShopDomain, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, code);
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = transient,
            FailureRatio = _options.CircuitFailureRatio,
            MinimumThroughput = _options.CircuitMinimumThroughput,
            SamplingDuration = _options.CircuitSamplingDuration,
            BreakDuration = _options.CircuitBreakDuration,
        });
        return builder.Build();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shopify {Shop}: SKU {Sku} is on {Count} variants; left unmapped")]
    private static partial void LogAmbiguousSku(ILogger logger, string shop, string sku, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shopify {Shop}: {Operation} throttled (requested {Requested}, available {Available}); waiting {WaitMs:F0} ms")]
    private static partial void LogThrottled(ILogger logger, string shop, string operation, int requested, double available, double waitMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shopify {Shop}: retry {Attempt} in {DelayMs:F0} ms after {Code}")]
    private static partial void LogRetry(ILogger logger, string shop, int attempt, double delayMs, string? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shopify {Shop}: {Operation} failed ({Code}, permanent: {Permanent}): {Message}")]
    private static partial void LogFailed(ILogger logger, string shop, string operation, string? code, bool permanent, string message);
}
