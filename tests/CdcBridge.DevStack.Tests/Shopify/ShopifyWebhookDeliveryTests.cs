using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CdcBridge.DevStack.Shopify;
using static CdcBridge.DevStack.Tests.Shopify.WebhookTestShop;

namespace CdcBridge.DevStack.Tests.Shopify;

/// <summary>
/// The simulator delivers webhooks as Shopify does (shopify.dev delivery structure, verify deliveries and the 2024-09
/// retry changelog): every X-Shopify-* header, an HMAC of the raw body, success only on 2xx (a 3xx fails), 5 s per
/// attempt, retries with the same webhook id and the original payload, duplicates possible.
/// </summary>
public sealed class ShopifyWebhookDeliveryTests
{
    private static object Order(string sku = "SKU-1", int quantity = 2, object? webhook = null) =>
        new { email = "ann.smith@example.com", lines = new[] { new { sku, quantity } }, webhook };

    [Fact]
    public async Task An_order_placed_is_delivered_once_as_orders_create_with_every_shopify_header_and_an_hmac_of_the_raw_body()
    {
        using var deadline = Deadline();
        await using var receiver = await WebhookReceiver.StartAsync(deadline.Token);
        await using var sim = await ShopifySimulator.StartAsync(Options(), ct: deadline.Token);
        using var http = new SimulatorHttp(sim);
        sim.SubscribeWebhooks(receiver.Address);

        var placed = await PlaceAsync(http, Order(), deadline.Token);
        var webhookId = placed["webhook_id"]!.GetValue<string>();
        var delivery = await sim.WaitForDeliveryAsync(webhookId, deadline.Token);

        (delivery.Delivered, delivery.Finished, delivery.Topic, delivery.OrderId).Should().Be((true, true, "orders/create", placed["id"]!.GetValue<long>()));
        delivery.Attempts.Should().ContainSingle().Which.Status.Should().Be(200);
        var request = receiver.Received.Should().ContainSingle().Subject;
        (request.Method, request.Path).Should().Be(("POST", WebhookReceiver.Path));
        request.Header("Content-Type").Should().StartWith("application/json");
        request.Header("X-Shopify-Topic").Should().Be("orders/create");
        request.Header("X-Shopify-Shop-Domain").Should().Be(sim.ShopDomain);
        request.Header("X-Shopify-API-Version").Should().Be("2026-04");
        request.Header("X-Shopify-Webhook-Id").Should().Be(webhookId);
        request.Header("X-Shopify-Event-Id").Should().Be(delivery.EventId).And.NotBeNullOrWhiteSpace().And.NotBe(webhookId);
        DateTimeOffset.Parse(request.Header("X-Shopify-Triggered-At"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            .Should().Be(delivery.TriggeredAt);
        request.Header("X-Shopify-Hmac-Sha256").Should().Be(Hmac(Secret, request.Body), "signed with the configured secret over the raw bytes")
            .And.NotBe(Hmac(new ShopifySimulatorOptions().WebhookSecret, request.Body));

        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("id").GetInt64().Should().Be(placed["id"]!.GetValue<long>());
        body.RootElement.GetProperty("name").GetString().Should().Be(placed["name"]!.GetValue<string>());
        body.RootElement.GetProperty("admin_graphql_api_id").GetString().Should().Be(placed["admin_graphql_api_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Failed_attempts_are_retried_with_the_same_webhook_id_and_identical_body_bytes_until_one_succeeds()
    {
        using var deadline = Deadline();
        await using var receiver = await WebhookReceiver.StartAsync(deadline.Token, 500, 500, 200);
        await using var sim = await ShopifySimulator.StartAsync(Options(), ct: deadline.Token);
        using var http = new SimulatorHttp(sim);
        sim.SubscribeWebhooks(receiver.Address);
        var attempted = new List<int?>();
        sim.WebhookAttempted += (_, e) =>
        {
            lock (attempted)
            {
                attempted.Add(e.Attempt.Status);
            }
        };

        var webhookId = (await PlaceAsync(http, Order(), deadline.Token))["webhook_id"]!.GetValue<string>();
        var delivery = await sim.WaitForDeliveryAsync(webhookId, deadline.Token);

        delivery.Attempts.Select(a => a.Status).Should().Equal(500, 500, 200);
        delivery.Delivered.Should().BeTrue();
        lock (attempted)
        {
            attempted.Should().Equal(500, 500, 200);
        }

        var requests = receiver.Received;
        requests.Should().HaveCount(3);
        requests.Select(r => r.Header("X-Shopify-Webhook-Id")).Should().AllBe(webhookId);
        requests.Select(r => r.Header("X-Shopify-Triggered-At")).Distinct().Should().ContainSingle("a retry is the same delivery");
        requests.Select(r => r.Header("X-Shopify-Event-Id")).Distinct().Should().ContainSingle();
        requests.Select(r => Convert.ToBase64String(r.Body)).Distinct().Should().ContainSingle("retries carry the payload of trigger time");
        requests.Should().OnlyContain(r => r.Header("X-Shopify-Hmac-Sha256") == Hmac(Secret, r.Body));

        var listed = (await http.GetAsync("/_sim/webhooks", deadline.Token)).AsArray().Should().ContainSingle().Subject!;
        listed["webhookId"]!.GetValue<string>().Should().Be(webhookId);
        listed["topic"]!.GetValue<string>().Should().Be("orders/create");
        listed["orderId"]!.GetValue<long>().Should().Be(delivery.OrderId);
        listed["delivered"]!.GetValue<bool>().Should().BeTrue();
        listed["attempts"]!.AsArray().Select(a => a!["status"]!.GetValue<int>()).Should().Equal(500, 500, 200);
        listed["attempts"]![0]!["error"]!.GetValue<string>().Should().Contain("500");
    }

    [Fact]
    public async Task A_redirect_is_a_failed_attempt_and_is_not_followed()
    {
        using var deadline = Deadline();
        await using var receiver = await WebhookReceiver.StartAsync(deadline.Token, 302, 200);
        await using var sim = await ShopifySimulator.StartAsync(Options(), ct: deadline.Token);
        sim.SubscribeWebhooks(receiver.Address);

        sim.PlaceOrder(new ShopifySimOrderRequest("ann@example.com", [new("SKU-1", 1)]));
        var delivery = await sim.WaitForDeliveryAsync(sim.WebhookDeliveries().Single().WebhookId, deadline.Token);

        delivery.Attempts.Select(a => a.Status).Should().Equal(302, 200);
        delivery.Attempts[0].Error.Should().Contain("redirect");
        receiver.Received.Should().HaveCount(2).And.OnlyContain(r => r.Path == WebhookReceiver.Path && r.Method == "POST", "the Location is never followed");
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried_and_an_unreachable_receiver_gets_every_retry_then_none()
    {
        using var deadline = Deadline();
        await using var receiver = await WebhookReceiver.StartAsync(deadline.Token, WebhookReceiver.Hang, 200);
        await using (var sim = await ShopifySimulator.StartAsync(Options(timeout: TimeSpan.FromSeconds(1)), ct: deadline.Token))
        {
            sim.SubscribeWebhooks(receiver.Address);
            var order = sim.PlaceOrder(new ShopifySimOrderRequest("ann@example.com", [new("SKU-1", 1)]));
            var delivery = await sim.WaitForDeliveryAsync(sim.WebhookDeliveries().Single(d => d.OrderId == order.Id).WebhookId, deadline.Token);

            delivery.Attempts.Select(a => a.Status).Should().Equal(null, 200);
            delivery.Attempts[0].Error.Should().Contain("timed out");
            delivery.Delivered.Should().BeTrue();
        }

        // A port nobody listens on: every attempt fails to connect, 1 + 3 retries, then the delivery is over, undelivered.
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using (var sim = await ShopifySimulator.StartAsync(Options(retries: 3), ct: deadline.Token))
        {
            sim.SubscribeWebhooks(new Uri($"http://127.0.0.1:{port}/webhooks"));
            sim.PlaceOrder(new ShopifySimOrderRequest("ann@example.com", [new("SKU-1", 1)]));
            var delivery = await sim.WaitForDeliveryAsync(sim.WebhookDeliveries().Single().WebhookId, deadline.Token);

            (delivery.Delivered, delivery.Finished).Should().Be((false, true));
            delivery.Attempts.Should().HaveCount(4).And.OnlyContain(a => a.Status == null && a.Error != null);
        }
    }

    [Fact]
    public async Task Duplicates_send_the_same_delivery_again_with_its_webhook_id()
    {
        using var deadline = Deadline();
        await using var receiver = await WebhookReceiver.StartAsync(deadline.Token);
        await using var sim = await ShopifySimulator.StartAsync(Options(), ct: deadline.Token);
        using var http = new SimulatorHttp(sim);
        sim.SubscribeWebhooks(receiver.Address);

        var webhookId = (await PlaceAsync(http, Order(webhook: new { duplicates = 2 }), deadline.Token))["webhook_id"]!.GetValue<string>();
        var delivery = await sim.WaitForDeliveryAsync(webhookId, deadline.Token);

        delivery.Attempts.Select(a => (a.Status, a.Duplicate)).Should().Equal((200, false), (200, true), (200, true));
        var requests = receiver.Received;
        requests.Should().HaveCount(3);
        requests.Select(r => r.Header("X-Shopify-Webhook-Id")).Should().AllBe(webhookId);
        requests.Select(r => Convert.ToBase64String(r.Body)).Distinct().Should().ContainSingle();

        using var refused = await http.PostJsonAsync("/_sim/orders", Order(webhook: new { duplicates = -1 }), deadline.Token);
        refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await refused.Content.ReadAsStringAsync(deadline.Token)).Should().Contain("duplicates");
        sim.Orders().Should().ContainSingle("a refused order places nothing");
    }

    [Fact]
    public async Task A_delay_holds_back_the_first_attempt()
    {
        const int DelayMs = 500;

        // .NET timers count on a coarse monotonic clock (milliseconds, a few of them per tick on Linux), so a delay may end
        // a tick before a Stopwatch says it is over; undelayed, the delivery arrives within a few milliseconds.
        var atLeast = TimeSpan.FromMilliseconds(DelayMs - 20);
        using var deadline = Deadline();
        await using var receiver = await WebhookReceiver.StartAsync(deadline.Token);
        await using var sim = await ShopifySimulator.StartAsync(Options(), ct: deadline.Token);
        using var http = new SimulatorHttp(sim);
        sim.SubscribeWebhooks(receiver.Address);

        var sent = Stopwatch.GetTimestamp();
        var webhookId = (await PlaceAsync(http, Order(webhook: new { delayMs = DelayMs }), deadline.Token))["webhook_id"]!.GetValue<string>();
        var delivery = await sim.WaitForDeliveryAsync(webhookId, deadline.Token);

        var arrived = receiver.Received.Should().ContainSingle().Subject.ArrivedAt;
        Stopwatch.GetElapsedTime(sent, arrived).Should().BeGreaterThanOrEqualTo(atLeast);
        (delivery.Attempts.Single().At - delivery.TriggeredAt).Should().BeGreaterThanOrEqualTo(atLeast);
    }

    [Fact]
    public async Task Without_a_subscription_nothing_is_delivered_and_only_orders_placed_while_subscribed_are()
    {
        using var deadline = Deadline();
        await using var receiver = await WebhookReceiver.StartAsync(deadline.Token);
        await using var sim = await ShopifySimulator.StartAsync(Options(), ct: deadline.Token);
        using var http = new SimulatorHttp(sim);
        var placedEvents = new List<string?>();
        sim.OrderPlaced += (_, e) => placedEvents.Add(e.WebhookId);

        var before = await PlaceAsync(http, Order(), deadline.Token);
        sim.WebhookDeliveries().Should().BeEmpty("a delivery is recorded when its event fires, and none fired");
        before["webhook_id"].Should().BeNull();
        sim.WebhookAddress.Should().BeNull();

        sim.SubscribeWebhooks(receiver.Address);
        var during = await PlaceAsync(http, Order(), deadline.Token);
        await sim.WaitForDeliveryAsync(during["webhook_id"]!.GetValue<string>(), deadline.Token);
        sim.UnsubscribeWebhooks();
        sim.PlaceOrder(new ShopifySimOrderRequest("ann@example.com", [new("SKU-1", 1)]));

        sim.WebhookDeliveries().Should().ContainSingle().Which.OrderId.Should().Be(during["id"]!.GetValue<long>());
        placedEvents.Should().HaveCount(3);
        placedEvents.Where(id => id is not null).Should().Equal(during["webhook_id"]!.GetValue<string>());
        var request = receiver.Received.Should().ContainSingle().Subject;
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("id").GetInt64().Should().Be(during["id"]!.GetValue<long>());
    }
}
