using System.Net;
using CdcBridge.Avro.Generic;
using CdcBridge.Orders.Intake;
using CdcBridge.Testing;

namespace CdcBridge.Orders.Tests.Intake;

/// <summary>Signed order deliveries over HTTP reach the intake topic exactly once per webhook id.</summary>
public sealed class WebhookDeliveryTests(RegistryInfrastructure fixture)
{
    [Fact]
    public async Task A_signed_orders_create_is_answered_200_and_its_canonical_record_is_on_the_topic_keyed_by_shop_and_order()
    {
        await using var intake = await IntakeHarness.StartAsync(fixture);
        var webhookId = Guid.NewGuid().ToString();

        var answer = await intake.PostAsync(ShopifySample.Bytes(), webhookId);

        answer.Should().Be(new WebhookAnswer(HttpStatusCode.OK, "accepted", null));
        var record = (await intake.ReadTopicAsync()).Should().ContainSingle().Subject;
        record.Key.Should().Be($"{IntakeHarness.Shop}:820982911946154508");
        var value = record.Value;
        value["webhook_id"].Should().Be(webhookId);
        value["event_id"].Should().Be(IntakeHarness.EventId);
        ((GenericEnumSymbol)value["topic"]!).Symbol.Should().Be("ORDERS_CREATE");
        value["api_version"].Should().Be("2026-04");
        // The header's .123456789 s as timestamp-micros keeps it: .123456 s.
        value["triggered_at"].Should().Be(new DateTime(2024, 6, 26, 16, 33, 22, DateTimeKind.Utc).AddTicks(1_234_560));
        value["shop_domain"].Should().Be(IntakeHarness.Shop);
        value["order_id"].Should().Be(ShopifySample.OrderId);
        value["name"].Should().Be("#9999");
        value["cancel_reason"].Should().Be("customer");
        value["cancelled_at"].Should().Be(new DateTime(2024, 6, 26, 16, 33, 21, DateTimeKind.Utc));
        ((AvroDecimal)value["total_price"]!).ToDecimal().Should().Be(1575.90m);
        ((AvroDecimal)value["total_shipping_price"]!).ToDecimal().Should().Be(10.00m);
        var lines = ((List<object?>)value["line_items"]!).Cast<GenericRecord>().ToList();
        lines.Select(l => l["line_item_id"]).Should().Equal(866550311766439020L, 141249953214522974L);
        lines.Select(l => l["sku"]).Should().Equal(new object?[] { null, null });
        lines.Select(l => ((AvroDecimal)l["price"]!).ToDecimal()).Should().Equal(885.95m, 699.95m);
        ((List<object?>)value["shipping_lines"]!).Cast<GenericRecord>().Should().ContainSingle().Which["title"].Should().Be("Generic Shipping");
        value["raw_payload"].Should().Be(ShopifySample.Text());

        var logged = await intake.LoggedAsync(webhookId);
        logged.Should().BeEquivalentTo(new { WebhookId = webhookId, ShopDomain = IntakeHarness.Shop, Topic = "orders/create", OrderId = ShopifySample.OrderId, KafkaPartition = 0, KafkaOffset = 0L });
    }

    [Fact]
    public async Task The_same_webhook_id_three_times_in_a_row_puts_one_record_on_the_topic()
    {
        await using var intake = await IntakeHarness.StartAsync(fixture);
        var webhookId = Guid.NewGuid().ToString();

        var answers = new List<WebhookAnswer>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await intake.PostAsync(ShopifySample.Bytes(), webhookId));
        }

        answers.Select(a => (a.Status, a.Outcome)).Should().Equal((HttpStatusCode.OK, "accepted"), (HttpStatusCode.OK, "duplicate"), (HttpStatusCode.OK, "duplicate"));
        intake.RecordCount().Should().Be(1);
        (await intake.LoggedCountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task The_same_webhook_id_three_times_at_once_puts_one_record_on_the_topic()
    {
        await using var intake = await IntakeHarness.StartAsync(fixture);
        var webhookId = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => intake.PostAsync(ShopifySample.Bytes(), webhookId)));

        answers.Should().OnlyContain(a => a.Status == HttpStatusCode.OK);
        answers.Select(a => a.Outcome).Should().BeEquivalentTo(["accepted", "duplicate", "duplicate"]);
        intake.RecordCount().Should().Be(1);
        (await intake.LoggedCountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Each_delivery_of_one_order_lands_under_the_same_key_as_its_own_record()
    {
        await using var intake = await IntakeHarness.StartAsync(fixture);
        var updated = ShopifySample.With(order => order["updated_at"] = "2024-06-26T13:00:00-04:00");

        (await intake.PostAsync(ShopifySample.Bytes(), Guid.NewGuid().ToString())).Outcome.Should().Be("accepted");
        (await intake.PostAsync(updated, Guid.NewGuid().ToString(), ChannelOrderSchema.OrdersUpdated)).Outcome.Should().Be("accepted");

        var records = await intake.ReadTopicAsync();
        records.Select(r => r.Key).Should().Equal($"{IntakeHarness.Shop}:{ShopifySample.OrderId}", $"{IntakeHarness.Shop}:{ShopifySample.OrderId}");
        records.Select(r => ((GenericEnumSymbol)r.Value["topic"]!).Symbol).Should().Equal("ORDERS_CREATE", "ORDERS_UPDATED");
        records.Select(r => r.Value["updated_at"]).Should().Equal(
            new DateTime(2024, 6, 26, 16, 33, 21, DateTimeKind.Utc), new DateTime(2024, 6, 26, 17, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public async Task During_a_secret_rotation_a_delivery_signed_with_the_old_secret_is_accepted()
    {
        await using var intake = await IntakeHarness.StartAsync(fixture);

        var answer = await intake.PostAsync(ShopifySample.Bytes(), Guid.NewGuid().ToString(), secret: IntakeHarness.OldSecret);

        answer.Outcome.Should().Be("accepted");
        intake.RecordCount().Should().Be(1);
    }
}
