using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace CdcBridge.DevStack.Shopify;

/// <summary>
/// Delivers webhooks as Shopify does (shopify.dev "delivery structure", "verify deliveries" and the 2024-09 retry
/// changelog, restated here):
/// <list type="bullet">
/// <item>an HTTP POST of the JSON body (<c>Content-Type: application/json</c>) with <c>X-Shopify-Topic</c>,
/// <c>X-Shopify-Hmac-Sha256</c> = Base64(HMAC-SHA256(key = the app's client secret as UTF-8, message = the raw body
/// bytes)), <c>X-Shopify-Shop-Domain</c>, <c>X-Shopify-API-Version</c>, <c>X-Shopify-Webhook-Id</c> (unique per
/// delivery, the same on its retries), <c>X-Shopify-Triggered-At</c> (when the event fired) and
/// <c>X-Shopify-Event-Id</c> (shared by all deliveries of one merchant action);</item>
/// <item>success is any 2xx; a 3xx is a failure and is not followed; 1 s to connect, 5 s in all;</item>
/// <item>a failed delivery is retried (Shopify: 8 times over 4 hours, exponential backoff) with the payload of trigger
/// time, to the address of trigger time;</item>
/// <item>at least once and unordered: each delivery runs on its own, so deliveries overlap and may arrive in any order.</item>
/// </list>
/// Without a subscription nothing is sent (nor recorded).
/// </summary>
internal sealed partial class SimulatorWebhooks : IAsyncDisposable
{
    /// <summary>Shopify's connect timeout for deliveries.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries kept for inspection; the oldest finished ones go first beyond it.</summary>
    private const int Retained = 10_000;

    // Relaxed escaping: non-ASCII text goes out as UTF-8, as Shopify sends it.
    private static readonly JsonSerializerOptions BodyJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly object _gate = new();
    private readonly List<SimulatorWebhookDelivery> _deliveries = [];
    private readonly Dictionary<string, SimulatorWebhookDelivery> _byId = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;
    private readonly HttpClient _http;
    private readonly byte[] _secret;
    private readonly IReadOnlyList<TimeSpan> _retryDelays;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly string _shopDomain;
    private readonly string _apiVersion;
    private readonly Action<ShopifyWebhookAttemptedEventArgs> _attempted;
    private readonly ILogger _logger;
    private Uri? _address;
    private bool _disposed;

    public SimulatorWebhooks(ShopifySimulatorOptions options, string apiVersion, Action<ShopifyWebhookAttemptedEventArgs> attempted, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.WebhookSecret, nameof(options));
        if (options.WebhookRetryDelays is null || options.WebhookRetryDelays.Any(d => d < TimeSpan.Zero))
        {
            throw new ArgumentException("WebhookRetryDelays must be a list of non-negative delays.", nameof(options));
        }

        if (options.WebhookTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("WebhookTimeout must be positive.", nameof(options));
        }

        _stoppingToken = _stopping.Token;
        _secret = Encoding.UTF8.GetBytes(options.WebhookSecret);
        _retryDelays = [.. options.WebhookRetryDelays];
        _timeout = options.WebhookTimeout;
        _time = options.TimeProvider;
        _shopDomain = options.ShopDomain;
        _apiVersion = apiVersion;
        _attempted = attempted;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout < _timeout ? ConnectTimeout : _timeout,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Shopify-Captain-Hook");
    }

    public Uri? Address
    {
        get
        {
            lock (_gate)
            {
                return _address;
            }
        }
    }

    public void Subscribe(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"A webhook address must be an absolute http(s) URL, not '{address}'.", nameof(address));
        }

        lock (_gate)
        {
            _address = address;
        }

        LogSubscribed(_logger, _shopDomain, address);
    }

    public void Unsubscribe()
    {
        lock (_gate)
        {
            _address = null;
        }

        LogUnsubscribed(_logger, _shopDomain);
    }

    /// <summary>Checks delivery controls before anything happens (a bad control must not leave an order placed).</summary>
    public static void Validate(ShopifySimWebhookControls? controls)
    {
        if (controls is { Duplicates: < 0 or > 100 })
        {
            throw new ShopifySimulatorException("webhook.duplicates must be between 0 and 100.");
        }

        if (controls is { DelayMs: < 0 or > 3_600_000 })
        {
            throw new ShopifySimulatorException("webhook.delayMs must be between 0 and 3600000.");
        }
    }

    /// <summary>
    /// Triggers a delivery to the subscribed address with the body <paramref name="payload"/> builds (given whether lines
    /// go without SKU); returns its webhook id, or null without a subscription. The body is built and signed now.
    /// </summary>
    public string? Trigger(string topic, long orderId, Func<bool, JsonObject> payload, ShopifySimWebhookControls? controls)
    {
        Uri? address;
        lock (_gate)
        {
            address = _disposed ? null : _address;
        }

        if (address is null)
        {
            return null;
        }

        controls ??= new ShopifySimWebhookControls();
        var body = JsonSerializer.SerializeToUtf8Bytes(payload(controls.WithoutSku), BodyJson);
        var hmac = Convert.ToBase64String(HMACSHA256.HashData(_secret, body));
        var delivery = new SimulatorWebhookDelivery(Guid.NewGuid().ToString(), topic, orderId, Guid.NewGuid().ToString(), _time.GetUtcNow(), address, body, hmac, controls);
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }

            if (_deliveries.Count >= Retained)
            {
                foreach (var old in _deliveries.Where(d => d.Finished.IsCompleted).Take(_deliveries.Count - Retained + 1).ToList())
                {
                    _deliveries.Remove(old);
                    _byId.Remove(old.WebhookId);
                }
            }

            _deliveries.Add(delivery);
            _byId[delivery.WebhookId] = delivery;
        }

        _ = Task.Run(() => RunAsync(delivery, _stoppingToken), CancellationToken.None);
        return delivery.WebhookId;
    }

    public IReadOnlyList<ShopifySimWebhookDelivery> Deliveries()
    {
        lock (_gate)
        {
            return [.. _deliveries.Select(d => d.Snapshot())];
        }
    }

    /// <summary>Completes when the delivery is over: delivered (and its duplicates sent) or its retries exhausted.</summary>
    public Task<ShopifySimWebhookDelivery> WaitAsync(string webhookId, CancellationToken ct)
    {
        SimulatorWebhookDelivery? delivery;
        lock (_gate)
        {
            delivery = _byId.GetValueOrDefault(webhookId);
        }

        return delivery is null
            ? throw new ShopifySimulatorException($"Unknown webhook id '{webhookId}'.")
            : delivery.Finished.WaitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        List<Task> running;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            running = [.. _deliveries.Select(d => (Task)d.Finished)];
        }

        await _stopping.CancelAsync();

        await Task.WhenAll(running);
        _http.Dispose();
        _stopping.Dispose();
    }

    private async Task RunAsync(SimulatorWebhookDelivery delivery, CancellationToken stopping)
    {
        try
        {
            if (delivery.Controls.DelayMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(delivery.Controls.DelayMs), _time, stopping);
            }

            var delivered = false;
            for (var attempt = 0; !delivered; attempt++)
            {
                delivered = await AttemptAsync(delivery, false, stopping);
                if (!delivered && attempt >= _retryDelays.Count)
                {
                    LogGaveUp(_logger, delivery.WebhookId, delivery.Topic, attempt + 1);
                    break;
                }

                if (!delivered)
                {
                    await Task.Delay(_retryDelays[attempt], _time, stopping);
                }
            }

            for (var i = 0; delivered && i < delivery.Controls.Duplicates; i++)
            {
                await AttemptAsync(delivery, true, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The simulator is stopping: pending retries end here.
        }
        finally
        {
            delivery.Finish();
        }
    }

    private async Task<bool> AttemptAsync(SimulatorWebhookDelivery delivery, bool duplicate, CancellationToken stopping)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Address) { Content = new ReadOnlyMemoryContent(delivery.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Shopify-Topic", delivery.Topic);
        request.Headers.Add("X-Shopify-Hmac-Sha256", delivery.Hmac);
        request.Headers.Add("X-Shopify-Shop-Domain", _shopDomain);
        request.Headers.Add("X-Shopify-API-Version", _apiVersion);
        request.Headers.Add("X-Shopify-Webhook-Id", delivery.WebhookId);
        request.Headers.Add("X-Shopify-Triggered-At", delivery.TriggeredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        request.Headers.Add("X-Shopify-Event-Id", delivery.EventId);

        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        var at = _time.GetUtcNow();
        int? status = null;
        string? error;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            await response.Content.CopyToAsync(Stream.Null, linked.Token);
            status = (int)response.StatusCode;
            error = status switch
            {
                >= 200 and <= 299 => null,
                >= 300 and <= 399 => $"HTTP {status}: a redirect is a failed delivery",
                _ => $"HTTP {status}",
            };
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            error = timeout.IsCancellationRequested
                ? $"timed out after {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"
                : $"connect timed out after {ConnectTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
        }
        catch (HttpRequestException e)
        {
            error = e.Message;
        }

        var succeeded = status is >= 200 and <= 299;
        var attempt = new ShopifySimWebhookAttempt(at, status, error, duplicate);
        var snapshot = delivery.Record(attempt, succeeded);
        LogAttempt(_logger, delivery.WebhookId, delivery.Topic, delivery.OrderId, snapshot.Attempts.Count, status, error);
        try
        {
            _attempted(new ShopifyWebhookAttemptedEventArgs(snapshot, attempt));
        }
#pragma warning disable CA1031 // a subscriber's failure must not stop the delivery
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_logger, e, delivery.WebhookId);
        }

        return succeeded;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shopify simulator for {Shop}: webhooks go to {Address}")]
    private static partial void LogSubscribed(ILogger logger, string shop, Uri address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shopify simulator for {Shop}: webhook subscription removed")]
    private static partial void LogUnsubscribed(ILogger logger, string shop);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {WebhookId} ({Topic}, order {OrderId}) attempt {Attempt}: status {Status} {Error}")]
    private static partial void LogAttempt(ILogger logger, string webhookId, string topic, long orderId, int attempt, int? status, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} ({Topic}) not delivered after {Attempts} attempts; giving up")]
    private static partial void LogGaveUp(ILogger logger, string webhookId, string topic, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A WebhookAttempted handler failed for webhook {WebhookId}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string webhookId);
}
