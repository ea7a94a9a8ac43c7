using System.Text.Json.Nodes;
using CdcBridge.Avro.Generic;
using CdcBridge.Orders.Intake;

namespace CdcBridge.Orders.Tests.Intake;

/// <summary>Shopify's orders/create sample (TestData/shopify) read into retail.channel.order.v1's canonical record.</summary>
public sealed class ShopifyOrderPayloadTests
{
    private static readonly DateTime ReceivedAt = new(2024, 6, 26, 16, 33, 23, DateTimeKind.Utc);

    private static readonly WebhookDelivery Delivery = new(
        "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "98880550-7158-44d4-b7cd-2c97c8a091b5",
        ChannelOrderSchema.OrdersCreate,
        "2024-07",
        new DateTime(2024, 6, 26, 16, 33, 22, DateTimeKind.Utc),
        "devkanvas.myshopify.com",
        ReceivedAt);

    // The sample's times are 2024-06-26T12:33:21-04:00, i.e. 16:33:21 UTC.
    private static readonly DateTime SampleTimeUtc = new(2024, 6, 26, 16, 33, 21, DateTimeKind.Utc);

    [Fact]
    public void The_sample_order_keeps_its_64_bit_ids_name_and_header_fields()
    {
        var record = ShopifyOrderPayload.Parse(ShopifySample.Bytes(), Delivery);

        record["order_id"].Should().Be(820982911946154508L);
        record["admin_graphql_api_id"].Should().Be("gid://shopify/Order/820982911946154508");
        record["name"].Should().Be("#9999");
        record["webhook_id"].Should().Be(Delivery.WebhookId);
        record["event_id"].Should().Be(Delivery.EventId);
        record["topic"].Should().Be("ORDERS_CREATE");
        record["api_version"].Should().Be("2024-07");
        record["triggered_at"].Should().Be(Delivery.TriggeredAt);
        record["shop_domain"].Should().Be("devkanvas.myshopify.com");
        record["received_at"].Should().Be(ReceivedAt);
        record["raw_payload"].Should().Be(ShopifySample.Text(), "the body is kept exactly as signed");
    }

    [Fact]
    public void The_sample_order_status_buyer_and_customer_are_carried_as_sent()
    {
        var record = ShopifyOrderPayload.Parse(ShopifySample.Bytes(), Delivery);

        record["email"].Should().Be("jon@example.com");
        record["phone"].Should().BeNull();
        record["currency"].Should().Be("USD");
        record["presentment_currency"].Should().Be("USD");
        record["financial_status"].Should().Be("voided");
        record["fulfillment_status"].Should().Be("pending");
        record["test"].Should().Be(true);
        record["taxes_included"].Should().Be(false);
        record["source_name"].Should().Be("web");
        record["note"].Should().BeNull();
        record["customer"].Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["customer_id"] = 115310627314723954L,
            ["email"] = "john@example.com",
            ["first_name"] = "John",
            ["last_name"] = "Smith",
            ["phone"] = null,
        });
    }

    [Fact]
    public void The_sample_order_times_are_utc_and_its_cancellation_is_kept()
    {
        var record = ShopifyOrderPayload.Parse(ShopifySample.Bytes(), Delivery);

        foreach (var field in new[] { "created_at", "updated_at", "processed_at", "cancelled_at" })
        {
            record[field].Should().Be(SampleTimeUtc, field);
            ((DateTime)record[field]!).Kind.Should().Be(DateTimeKind.Utc, field);
        }

        record["cancel_reason"].Should().Be("customer");
    }

    [Fact]
    public void The_sample_order_lines_keep_their_ids_null_sku_and_decimal_prices()
    {
        var record = ShopifyOrderPayload.Parse(ShopifySample.Bytes(), Delivery);

        var lines = record["line_items"].Should().BeOfType<List<object?>>().Subject.Cast<Dictionary<string, object?>>().ToList();
        lines.Should().HaveCount(2);
        lines[0].Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["line_item_id"] = 866550311766439020L,
            ["variant_id"] = 49121760117052L,
            ["product_id"] = 9313716535612L,
            ["sku"] = null,
            ["title"] = "The Videographer Snowboard",
            ["variant_title"] = null,
            ["quantity"] = 1,
            ["current_quantity"] = 1,
            ["requires_shipping"] = true,
            ["price"] = 885.95m,
            ["total_discount"] = 0m,
            ["tax_lines"] = new List<object?>(),
            ["resolved_sku"] = null,
        });
        lines[1]["line_item_id"].Should().Be(141249953214522974L);
        lines[1]["sku"].Should().BeNull();
        lines[1]["title"].Should().Be("The Complete Snowboard");
        lines[1]["price"].Should().Be(699.95m);
    }

    [Fact]
    public void The_sample_order_money_is_decimal_with_the_shipping_total_from_its_price_set()
    {
        var record = ShopifyOrderPayload.Parse(ShopifySample.Bytes(), Delivery);

        record["total_line_items_price"].Should().Be(1585.90m);
        record["subtotal_price"].Should().Be(1575.90m);
        record["total_discounts"].Should().Be(20.00m);
        record["total_shipping_price"].Should().Be(10.00m);
        record["total_tax"].Should().Be(0m);
        record["total_price"].Should().Be(1575.90m);
        record["current_total_price"].Should().Be(1585.90m);
        foreach (var money in new[] { "total_line_items_price", "subtotal_price", "total_discounts", "total_shipping_price", "total_tax", "total_price" })
        {
            record[money].Should().BeOfType<decimal>(money);
        }
    }

    [Fact]
    public void The_sample_order_shipping_line_and_addresses_are_carried()
    {
        var record = ShopifyOrderPayload.Parse(ShopifySample.Bytes(), Delivery);

        record["shipping_lines"].Should().BeEquivalentTo(new List<object?>
        {
            new Dictionary<string, object?>
            {
                ["shipping_line_id"] = 271878346596884015L,
                ["title"] = "Generic Shipping",
                ["code"] = null,
                ["source"] = "shopify",
                ["price"] = 10.00m,
                ["discounted_price"] = 10.00m,
                ["tax_lines"] = new List<object?>(),
            },
        });
        var shipping = (Dictionary<string, object?>)record["shipping_address"]!;
        shipping["name"].Should().Be("Steve Shipper");
        shipping["company"].Should().Be("Shipping Company");
        shipping["address2"].Should().BeNull();
        shipping["city"].Should().Be("Shippington");
        shipping["province_code"].Should().Be("KY");
        shipping["country_code"].Should().Be("US");
        shipping["zip"].Should().Be("40003");
        shipping["latitude"].Should().BeNull();
        shipping["longitude"].Should().BeNull();
        record["billing_address"].Should().BeEquivalentTo(shipping);
    }

    [Fact]
    public void The_record_has_every_field_of_the_schema_and_round_trips_through_avro()
    {
        var record = ShopifyOrderPayload.Parse(ShopifySample.Bytes(), Delivery);
        var schema = (Avro.Schemas.RecordSchema)ChannelOrderSchema.Value;

        record.Keys.Should().BeEquivalentTo(schema.Fields.Select(f => f.Name));
        var read = (GenericRecord)new GenericDatumReader(schema).Deserialize(new GenericDatumWriter(schema).Serialize(record))!;
        read["order_id"].Should().Be(ShopifySample.OrderId);
        read["topic"].Should().BeOfType<GenericEnumSymbol>().Which.Symbol.Should().Be("ORDERS_CREATE");
        ((AvroDecimal)read["total_price"]!).ToDecimal().Should().Be(1575.90m);
        read["cancelled_at"].Should().Be(SampleTimeUtc);
    }

    [Fact]
    public void Tax_rates_are_json_numbers_read_as_exact_decimals_and_ids_beyond_2_pow_53_stay_exact()
    {
        // 820982911946154509 is odd: as a double it would become ...508 or ...512 (doubles step by 128 there).
        var body = ShopifySample.With(order =>
        {
            order["id"] = 820982911946154509L;
            var line = order["line_items"]![0]!.AsObject();
            line["sku"] = "SNOW-VID-158";
            line["tax_lines"] = new JsonArray(
                new JsonObject { ["title"] = "State Tax", ["rate"] = JsonValue.Create(0.06m), ["price"] = "53.16" },
                new JsonObject { ["title"] = "County Tax", ["rate"] = JsonValue.Create(0.0725m), ["price"] = "64.23" });
            order["shipping_lines"]![0]!["tax_lines"] = new JsonArray(new JsonObject { ["title"] = "Shipping Tax", ["rate"] = JsonValue.Create(0.1m), ["price"] = "1.00" });
            order["updated_at"] = "2024-06-27T01:02:03.5+05:30";
        });

        var record = ShopifyOrderPayload.Parse(body, Delivery with { Topic = ChannelOrderSchema.OrdersUpdated });

        record["order_id"].Should().Be(820982911946154509L);
        record["topic"].Should().Be("ORDERS_UPDATED");
        var line = (Dictionary<string, object?>)((List<object?>)record["line_items"]!)[0]!;
        line["sku"].Should().Be("SNOW-VID-158");
        line["tax_lines"].Should().BeEquivalentTo(new List<object?>
        {
            new Dictionary<string, object?> { ["title"] = "State Tax", ["rate"] = 0.06m, ["price"] = 53.16m },
            new Dictionary<string, object?> { ["title"] = "County Tax", ["rate"] = 0.0725m, ["price"] = 64.23m },
        });
        var shipping = (Dictionary<string, object?>)((List<object?>)record["shipping_lines"]!)[0]!;
        ((List<object?>)shipping["tax_lines"]!).Should().ContainSingle().Which.Should().BeEquivalentTo(
            new Dictionary<string, object?> { ["title"] = "Shipping Tax", ["rate"] = 0.1m, ["price"] = 1.00m });
        record["updated_at"].Should().Be(new DateTime(2024, 6, 26, 19, 32, 3, 500, DateTimeKind.Utc));
    }

    [Fact]
    public void A_guest_order_without_customer_addresses_or_shipping_reads_as_nulls_and_empty_lists()
    {
        var body = ShopifySample.With(order =>
        {
            order["customer"] = null;
            order.Remove("shipping_address");
            order.Remove("billing_address");
            order.Remove("shipping_lines");
            order.Remove("total_shipping_price_set");
            order.Remove("current_total_price");
            order["email"] = null;
        });

        var record = ShopifyOrderPayload.Parse(body, Delivery with { Topic = ChannelOrderSchema.OrdersCancelled });

        record["topic"].Should().Be("ORDERS_CANCELLED");
        record["customer"].Should().BeNull();
        record["email"].Should().BeNull();
        record["shipping_address"].Should().BeNull();
        record["billing_address"].Should().BeNull();
        record["shipping_lines"].Should().BeEquivalentTo(new List<object?>());
        record["total_shipping_price"].Should().BeNull();
        record["current_total_price"].Should().BeNull();
    }
}
