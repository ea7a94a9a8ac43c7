using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Shopify;
using static CdcBridge.DevStack.Tests.Shopify.WebhookTestShop;

namespace CdcBridge.DevStack.Tests.Shopify;

/// <summary>
/// The orders/* webhook bodies are Shopify's REST Order resource, as in Shopify's orders/create sample (the "send test
/// notification" payload, 2024-06): ids are 64-bit integers above 2^53 (the sample's order id is 820982911946154508),
/// money is a string with two decimals plus <c>*_set</c> objects, tax rates are JSON numbers, a variant without SKU
/// gives <c>sku: null</c>; orders/cancelled is the same resource with <c>cancelled_at</c> and <c>cancel_reason</c>.
/// </summary>
public sealed class ShopifyOrderWebhookTests
{
    private const long TwoToThe53 = 1L << 53;

    private static decimal Money(JsonElement element)
    {
        element.ValueKind.Should().Be(JsonValueKind.String, "Shopify writes money as strings");
        var text = element.GetString()!;
        text.Should().MatchRegex(@"^\d+\.\d\d$");
        return decimal.Parse(text, CultureInfo.InvariantCulture);
    }

    private static DateTimeOffset Time(JsonElement element)
    {
        var text = element.GetString()!;
        text.Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", "ISO-8601 with the shop's offset, as 2024-06-26T12:33:21-04:00");
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_orders_create_body_is_the_rest_order_with_64_bit_ids_string_money_and_totals_that_add_up()
    {
        using var deadline = Deadline();
        await using var receiver = await WebhookReceiver.StartAsync(deadline.Token);
        await using var sim = await ShopifySimulator.StartAsync(Options(), ct: deadline.Token);
        using var http = new SimulatorHttp(sim);
        sim.SubscribeWebhooks(receiver.Address);
        var catalog = Options().Catalog.Variants;
        (string Sku, int Quantity, decimal UnitPrice)[] lines = [("SKU-1", 2, Sku1Price), ("SKU-2", 3, SimulatorPricing.DefaultUnitPrice)];

        var placed = await PlaceAsync(http, new { email = "ann.smith@example.com", lines = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity }) }, deadline.Token);
        await sim.WaitForDeliveryAsync(placed["webhook_id"]!.GetValue<string>(), deadline.Token);

        var order = sim.Orders().Single();
        using var body = JsonDocument.Parse(receiver.Received.Single().Body);
        var root = body.RootElement;
        root.GetProperty("id").GetInt64().Should().Be(order.Id).And.Be(placed["id"]!.GetValue<long>()).And.BeGreaterThan(TwoToThe53);
        root.GetProperty("admin_graphql_api_id").GetString().Should().Be($"gid://shopify/Order/{order.Id}");
        root.GetProperty("name").GetString().Should().Be("#1001");
        root.GetProperty("order_number").GetInt32().Should().Be(1001);
        root.GetProperty("email").GetString().Should().Be("ann.smith@example.com");
        root.GetProperty("contact_email").GetString().Should().Be("ann.smith@example.com");
        Time(root.GetProperty("created_at")).Should().BeOnOrBefore(order.CreatedAt).And.BeAfter(order.CreatedAt.AddSeconds(-1));
        Time(root.GetProperty("processed_at")).Should().Be(Time(root.GetProperty("created_at")));
        Time(root.GetProperty("updated_at")).Should().Be(Time(root.GetProperty("created_at")));
        root.GetProperty("cancelled_at").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("cancel_reason").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("financial_status").GetString().Should().Be("paid");
        root.GetProperty("fulfillment_status").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("source_name").GetString().Should().Be("web");
        root.GetProperty("currency").GetString().Should().Be(SimulatorPricing.Currency);
        root.GetProperty("order_status_url").GetString().Should().StartWith($"https://{sim.ShopDomain}/");

        var items = root.GetProperty("line_items").EnumerateArray().ToList();
        items.Should().HaveCount(lines.Length);
        items.Select(i => i.GetProperty("id").GetInt64()).Should().OnlyHaveUniqueItems().And.OnlyContain(id => id > TwoToThe53);
        decimal lineTaxes = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var item = items[i];
            var variant = catalog.Single(v => v.Sku == lines[i].Sku);
            item.GetProperty("sku").GetString().Should().Be(lines[i].Sku);
            item.GetProperty("quantity").GetInt32().Should().Be(lines[i].Quantity);
            item.GetProperty("variant_id").GetInt64().Should().Be(variant.VariantId);
            item.GetProperty("product_id").GetInt64().Should().Be(variant.ProductId);
            item.GetProperty("admin_graphql_api_id").GetString().Should().Be($"gid://shopify/LineItem/{item.GetProperty("id").GetInt64()}");
            Money(item.GetProperty("price")).Should().Be(lines[i].UnitPrice);
            Money(item.GetProperty("price_set").GetProperty("shop_money").GetProperty("amount")).Should().Be(lines[i].UnitPrice);
            var tax = item.GetProperty("tax_lines").EnumerateArray().Should().ContainSingle().Subject;
            tax.GetProperty("rate").ValueKind.Should().Be(JsonValueKind.Number);
            var rate = tax.GetProperty("rate").GetDecimal();
            var taxPrice = Money(tax.GetProperty("price"));
            taxPrice.Should().Be(Math.Round(lines[i].UnitPrice * lines[i].Quantity * rate, 2, MidpointRounding.AwayFromZero));
            lineTaxes += taxPrice;
        }

        var subtotal = lines.Sum(l => l.UnitPrice * l.Quantity);
        var shipping = Money(root.GetProperty("total_shipping_price_set").GetProperty("shop_money").GetProperty("amount"));
        Money(root.GetProperty("shipping_lines")[0].GetProperty("price")).Should().Be(shipping);
        Money(root.GetProperty("subtotal_price")).Should().Be(subtotal);
        Money(root.GetProperty("total_line_items_price")).Should().Be(subtotal);
        Money(root.GetProperty("total_discounts")).Should().Be(0);
        Money(root.GetProperty("total_tax")).Should().Be(lineTaxes).And.BeGreaterThan(0);
        var total = Money(root.GetProperty("total_price"));
        total.Should().Be(subtotal + shipping + lineTaxes);
        Money(root.GetProperty("current_total_price")).Should().Be(total);
        Money(root.GetProperty("total_price_set").GetProperty("presentment_money").GetProperty("amount")).Should().Be(total);
        root.GetProperty("total_price_set").GetProperty("shop_money").GetProperty("currency_code").GetString().Should().Be(SimulatorPricing.Currency);
        order.TotalPrice.Should().Be(total, "GET /_sim/orders and the webhook agree");

        var customer = root.GetProperty("customer");
        var customerId = customer.GetProperty("id").GetInt64();
        customerId.Should().Be(order.CustomerId).And.BeGreaterThan(TwoToThe53);
        customer.GetProperty("admin_graphql_api_id").GetString().Should().Be($"gid://shopify/Customer/{customerId}");
        (customer.GetProperty("email").GetString(), customer.GetProperty("first_name").GetString(), customer.GetProperty("last_name").GetString())
            .Should().Be(("ann.smith@example.com", "Ann", "Smith"));
        foreach (var name in new[] { "shipping_address", "billing_address" })
        {
            var address = root.GetProperty(name);
            address.GetProperty("name").GetString().Should().Be("Ann Smith");
            address.GetProperty("address1").GetString().Should().NotBeNullOrWhiteSpace();
            address.GetProperty("country_code").GetString().Should().MatchRegex("^[A-Z]{2}$");
        }

        // The same email is the same customer; names count up.
        var second = await PlaceAsync(http, new { email = "ANN.SMITH@example.com", lines = new[] { new { sku = "SKU-2", quantity = 1 } } }, deadline.Token);
        await sim.WaitForDeliveryAsync(second["webhook_id"]!.GetValue<string>(), deadline.Token);
        using var secondBody = JsonDocument.Parse(receiver.Received.Single(r => r.Header("X-Shopify-Webhook-Id") == second["webhook_id"]!.GetValue<string>()).Body);
        secondBody.RootElement.GetProperty("name").GetString().Should().Be("#1002");
        secondBody.RootElement.GetProperty("customer").GetProperty("id").GetInt64().Should().Be(customerId);
        secondBody.RootElement.GetProperty("id").GetInt64().Should().NotBe(order.Id);
    }

    [Fact]
    public async Task Without_sku_the_lines_carry_a_null_sku_and_the_variant_id_to_fall_back_on()
    {
        using var deadline = Deadline();
        await using var receiver = await WebhookReceiver.StartAsync(deadline.Token);
        await using var sim = await ShopifySimulator.StartAsync(Options(), ct: deadline.Token);
        using var http = new SimulatorHttp(sim);
        sim.SubscribeWebhooks(receiver.Address);

        var placed = await PlaceAsync(http,
            new { email = "bo@example.com", lines = new[] { new { sku = "SKU-2", quantity = 1 } }, webhook = new { withoutSku = true } }, deadline.Token);
        await sim.WaitForDeliveryAsync(placed["webhook_id"]!.GetValue<string>(), deadline.Token);

        using var body = JsonDocument.Parse(receiver.Received.Single().Body);
        var item = body.RootElement.GetProperty("line_items").EnumerateArray().Should().ContainSingle().Subject;
        item.GetProperty("sku").ValueKind.Should().Be(JsonValueKind.Null);
        item.GetProperty("variant_id").GetInt64().Should().Be(Options().Catalog.Variants.Single(v => v.Sku == "SKU-2").VariantId);
        sim.Orders().Single().Lines.Single().Sku.Should().Be("SKU-2", "only the webhook goes without SKU");
    }

    [Fact]
    public async Task Cancelling_restocks_the_committed_units_and_delivers_orders_cancelled_as_a_new_delivery()
    {
        using var deadline = Deadline();
        await using var receiver = await WebhookReceiver.StartAsync(deadline.Token);
        await using var sim = await ShopifySimulator.StartAsync(Options(), ct: deadline.Token);
        using var http = new SimulatorHttp(sim);
        sim.SubscribeWebhooks(receiver.Address);
        sim.InjectFaults(new ShopifySimFaults { ConcurrentAdjust = new ConcurrentAdjustFault("SKU-1", ShopifyGid.Location(LocationId), "available", 10) });

        var placed = await PlaceAsync(http, new { email = "ann@example.com", lines = new[] { new { sku = "SKU-1", quantity = 3 } } }, deadline.Token);
        var createId = placed["webhook_id"]!.GetValue<string>();
        await sim.WaitForDeliveryAsync(createId, deadline.Token);
        (sim.Level("SKU-1", LocationId) is { Available: 7, Committed: 3, OnHand: 10 }).Should().BeTrue();
        var orderId = placed["id"]!.GetValue<long>();

        using var cancel = await http.PostJsonAsync($"/_sim/orders/{orderId}/cancel", new { }, deadline.Token);
        cancel.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = (await cancel.Content.ReadFromJsonAsync<JsonObject>(deadline.Token))!;
        answer["order"]!["id"]!.GetValue<long>().Should().Be(orderId);
        answer["order"]!["cancel_reason"]!.GetValue<string>().Should().Be("customer");
        answer["order"]!["cancelled_at"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        var cancelId = answer["webhook_id"]!.GetValue<string>();
        cancelId.Should().NotBe(createId);
        var level = sim.Level("SKU-1", LocationId);
        (level.Available, level.Committed, level.OnHand).Should().Be((10, 0, 10), "restock gives the 3 committed units back to available");

        var delivery = await sim.WaitForDeliveryAsync(cancelId, deadline.Token);
        (delivery.Topic, delivery.OrderId, delivery.Delivered).Should().Be(("orders/cancelled", orderId, true));
        var created = receiver.Received.Single(r => r.Header("X-Shopify-Webhook-Id") == createId);
        var cancelled = receiver.Received.Single(r => r.Header("X-Shopify-Webhook-Id") == cancelId);
        cancelled.Header("X-Shopify-Topic").Should().Be("orders/cancelled");
        cancelled.Header("X-Shopify-Event-Id").Should().NotBe(created.Header("X-Shopify-Event-Id"), "another merchant action");
        cancelled.Header("X-Shopify-Hmac-Sha256").Should().Be(Hmac(Secret, cancelled.Body));
        using var before = JsonDocument.Parse(created.Body);
        using var after = JsonDocument.Parse(cancelled.Body);
        after.RootElement.GetProperty("id").GetInt64().Should().Be(orderId);
        after.RootElement.GetProperty("name").GetString().Should().Be(before.RootElement.GetProperty("name").GetString());
        after.RootElement.GetProperty("cancel_reason").GetString().Should().Be("customer");
        Time(after.RootElement.GetProperty("cancelled_at")).Should().BeOnOrAfter(Time(before.RootElement.GetProperty("created_at")));
        Time(after.RootElement.GetProperty("updated_at")).Should().BeAfter(Time(before.RootElement.GetProperty("updated_at")));
        after.RootElement.GetProperty("line_items")[0].GetProperty("quantity").GetInt32().Should().Be(3);

        using var again = await http.PostJsonAsync($"/_sim/orders/{orderId}/cancel", new { }, deadline.Token);
        again.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await again.Content.ReadAsStringAsync(deadline.Token)).Should().Contain("already cancelled");
        sim.Level("SKU-1", LocationId).Available.Should().Be(10, "a refused cancel restocks nothing");
        using var unknown = await http.PostJsonAsync($"/_sim/orders/{orderId + 2}/cancel", new { }, deadline.Token);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        sim.Invoking(s => s.CancelOrder(orderId)).Should().Throw<ShopifySimulatorException>().WithMessage("*already cancelled*");
        sim.WebhookDeliveries().Should().HaveCount(2, "refused cancels deliver nothing");

        // Without restock the units leave committed and on_hand for good.
        var kept = sim.PlaceOrder(new ShopifySimOrderRequest("ann@example.com", [new("SKU-1", 2)]));
        var notRestocked = sim.CancelOrder(kept.Id, new ShopifySimCancelRequest { Reason = "inventory", Restock = false });
        (notRestocked.CancelReason, notRestocked.Restocked).Should().Be(("inventory", false));
        level = sim.Level("SKU-1", LocationId);
        (level.Available, level.Committed, level.OnHand).Should().Be((8, 0, 8));
    }
}
