using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdcBridge.Orders.Intake;

namespace CdcBridge.Benchmarks.Orders;

/// <summary>One orders/create delivery as Shopify sends it: a body and its signature, a new webhook id.</summary>
internal sealed record Delivery(long OrderId, string WebhookId, byte[] Body, string Hmac);

/// <summary>What the client saw of one POST: when it was sent (UTC), how long until the answer was read, and the answer.</summary>
internal sealed record Posted(long OrderId, DateTime SentAt, double AcceptMs, int Status, string Outcome)
{
    public bool Accepted => Status == 200 && Outcome == "accepted";
}

/// <summary>
/// Orders/create bodies made from Shopify's own test notification (the Orders tests' fixture, about 10 KB, every field
/// Shopify sends): a new order id and name, 1–3 lines of SKUs with stock (1–2 each), and a new buyer per order, so the
/// writer finds nothing to reuse (partner and address contacts are created): the most Odoo requests an order costs.
/// </summary>
internal sealed class ShopifyDeliveries
{
    public const string Shop = "northwind-bench.myshopify.com";
    public const string Secret = "shpss_orders_bench_secret";
    private const string Fixture = "webhook-orders-create.test-notification-2024-06.json";

    private readonly JsonObject _template;
    private readonly IReadOnlyList<string> _skus;
    private readonly Random _random = new(7);
    private long _nextOrderId = 5_550_000_000_000;

    public ShopifyDeliveries(IReadOnlyList<string> skus)
    {
        _skus = skus;
        _template = JsonNode.Parse(File.ReadAllText(FixturePath()))!.AsObject();
        SampleBytes = File.ReadAllBytes(FixturePath()).Length;
    }

    /// <summary>The captured sample's size, for the report.</summary>
    public int SampleBytes { get; }

    public static string Origin(long orderId) => string.Create(CultureInfo.InvariantCulture, $"shopify:{Shop}:{orderId}");

    public Delivery Next()
    {
        var orderId = ++_nextOrderId;
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        var o = _template.DeepClone().AsObject();
        var number = orderId % 1_000_000;
        var email = string.Create(CultureInfo.InvariantCulture, $"buyer-{orderId}@example.com");
        o["id"] = orderId;
        o["name"] = string.Create(CultureInfo.InvariantCulture, $"#B{number}");
        o["number"] = number;
        o["order_number"] = number + 1000;
        o["admin_graphql_api_id"] = string.Create(CultureInfo.InvariantCulture, $"gid://shopify/Order/{orderId}");
        o["created_at"] = now;
        o["updated_at"] = now;
        o["processed_at"] = now;
        o["cancelled_at"] = null;
        o["cancel_reason"] = null;
        o["financial_status"] = "paid";
        o["confirmed"] = true;
        o["test"] = false;
        o["email"] = email;
        o["contact_email"] = email;
        var customer = o["customer"]!.AsObject();
        var customerId = 7_000_000_000_000 + orderId;
        customer["id"] = customerId;
        customer["email"] = email;
        customer["admin_graphql_api_id"] = string.Create(CultureInfo.InvariantCulture, $"gid://shopify/Customer/{customerId}");
        customer["default_address"]!["customer_id"] = customerId;

        var template = o["line_items"]!.AsArray()[0]!;
        var items = new JsonArray();
#pragma warning disable CA5394 // a reproducible mix of lines, not security
        var skus = Enumerable.Range(0, _random.Next(1, 4)).Select(_ => _skus[_random.Next(_skus.Count)]).Distinct().ToList();
        foreach (var sku in skus)
        {
            var quantity = _random.Next(1, 3);
            var item = template.DeepClone().AsObject();
            item["id"] = (orderId * 10) + items.Count;
            item["sku"] = sku;
            item["quantity"] = quantity;
            item["current_quantity"] = quantity;
            item["fulfillable_quantity"] = quantity;
            item["price"] = "19.90";
            item["total_discount"] = "0.00";
            items.Add(item);
        }
#pragma warning restore CA5394

        o["line_items"] = items;
        var body = Encoding.UTF8.GetBytes(o.ToJsonString());
        return new Delivery(orderId, Guid.NewGuid().ToString(), body, ShopifyWebhookSignature.Sign(body, Secret));
    }

    public List<Delivery> Next(int count) => [.. Enumerable.Range(0, count).Select(_ => Next())];

    /// <summary>Shopify's sample order, copied beside the binary from tests/CdcBridge.Orders.Tests/TestData/shopify by the project file.</summary>
    private static string FixturePath()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "shopify", Fixture);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Shopify's sample order ({Fixture}) is missing beside the bench: rebuild it.", path);
    }
}

/// <summary>Posts deliveries to the webhook server the way Shopify does (signed, its headers), timing each until its answer is read.</summary>
internal sealed class WebhookPoster(Uri endpoint) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<Posted> PostAsync(Delivery delivery, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(ShopifyWebhookHeaders.Topic, ChannelOrderSchema.OrdersCreate);
        request.Headers.Add(ShopifyWebhookHeaders.HmacSha256, delivery.Hmac);
        request.Headers.Add(ShopifyWebhookHeaders.ShopDomain, ShopifyDeliveries.Shop);
        request.Headers.Add(ShopifyWebhookHeaders.ApiVersion, "2026-04");
        request.Headers.Add(ShopifyWebhookHeaders.WebhookId, delivery.WebhookId);
        request.Headers.Add(ShopifyWebhookHeaders.TriggeredAt, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        request.Headers.Add(ShopifyWebhookHeaders.EventId, delivery.WebhookId);
        var sentAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsByteArrayAsync(ct);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        string outcome;
        try
        {
            using var json = JsonDocument.Parse(text);
            outcome = json.RootElement.TryGetProperty("outcome", out var value) ? value.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            outcome = "unreadable";
        }

        return new Posted(delivery.OrderId, sentAt, elapsed, (int)response.StatusCode, outcome);
    }

    /// <summary>Sends the deliveries at a fixed rate, open loop (a slow answer delays no later send), and returns every answer.</summary>
    public async Task<List<Posted>> PacedAsync(IReadOnlyList<Delivery> deliveries, double rate, CancellationToken ct)
    {
        var sends = new List<Task<Posted>>(deliveries.Count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < deliveries.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, ct);
            }

            var delivery = deliveries[i];
            sends.Add(Task.Run(() => PostAsync(delivery, ct), ct));
        }

        return [.. await Task.WhenAll(sends)];
    }

    /// <summary>The deliveries posted by <paramref name="clients"/> clients, each sending its next one as soon as the last is answered.</summary>
    public async Task<(List<Posted> Answers, TimeSpan Elapsed)> ConcurrentAsync(IReadOnlyList<Delivery> deliveries, int clients, CancellationToken ct)
    {
        var answers = new Posted[deliveries.Count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < deliveries.Count; i = Interlocked.Increment(ref next))
            {
                answers[i] = await PostAsync(deliveries[i], ct);
            }
        }, ct)));
        return ([.. answers], clock.Elapsed);
    }

    public void Dispose() => _http.Dispose();
}
