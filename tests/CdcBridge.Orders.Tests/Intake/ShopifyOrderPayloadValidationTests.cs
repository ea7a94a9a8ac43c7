using System.Text;
using CdcBridge.Orders.Intake;

namespace CdcBridge.Orders.Tests.Intake;

/// <summary>Bodies that are not an order fail with <see cref="InvalidWebhookPayloadException"/> naming the problem, not the data.</summary>
public sealed class ShopifyOrderPayloadValidationTests
{
    private static readonly WebhookDelivery Delivery = new(
        "0b1e4e5e-0000-4000-8000-000000000001", null, ChannelOrderSchema.OrdersCreate, null, null, "devkanvas.myshopify.com",
        new DateTime(2024, 6, 26, 16, 33, 23, DateTimeKind.Utc));

    public static TheoryData<string, string> NotAnOrder => new()
    {
        { "{\"name\":\"#1\",", "not JSON" },
        { "[1,2,3]", "not a JSON object" },
        { "\"orders/create\"", "not a JSON object" },
        { "{}", "id is missing" },
        { "{\"id\":\"820982911946154508\",\"name\":\"#1\",\"line_items\":[]}", "id is not a 64-bit integer" },
        { "{\"id\":1.5,\"name\":\"#1\",\"line_items\":[]}", "id is not a 64-bit integer" },
        { "{\"id\":99999999999999999999,\"name\":\"#1\",\"line_items\":[]}", "id is not a 64-bit integer" },
        { "{\"id\":1,\"line_items\":[]}", "name is missing" },
        { "{\"id\":1,\"name\":\"#1\"}", "line_items is missing" },
        { "{\"id\":1,\"name\":\"#1\",\"line_items\":{}}", "line_items is not an array" },
    };

    [Theory]
    [MemberData(nameof(NotAnOrder))]
    public void A_body_that_is_not_an_order_is_refused_with_the_problem(string body, string problem)
    {
        var parse = () => ShopifyOrderPayload.Parse(Encoding.UTF8.GetBytes(body), Delivery);

        parse.Should().Throw<InvalidWebhookPayloadException>().Which.Message.Should().Contain(problem);
    }

    [Fact]
    public void A_body_that_is_not_utf8_is_refused_even_if_it_would_parse_as_json()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"id\":1,\"name\":\"#1"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\",\"line_items\":[]}")];

        var parse = () => ShopifyOrderPayload.Parse(body, Delivery);

        parse.Should().Throw<InvalidWebhookPayloadException>().WithMessage("*not valid UTF-8*");
    }

    [Fact]
    public void A_bad_field_deep_in_the_order_is_named_by_its_path_and_its_value_is_not_repeated()
    {
        var body = ShopifySample.With(order => order["line_items"]![1]!["price"] = "eight hundred jon@example.com");

        var parse = () => ShopifyOrderPayload.Parse(body, Delivery);

        var message = parse.Should().Throw<InvalidWebhookPayloadException>().Which.Message;
        message.Should().Be("line_items[1].price is not a decimal.");
        message.Should().NotContain("jon@example.com");
    }

    [Theory]
    [InlineData("total_price", "1575.90001", "total_price does not fit")]
    [InlineData("total_price", "123456789012345.00", "total_price does not fit")]
    [InlineData("total_price", "1.5E3", "total_price is not a decimal")]
    [InlineData("created_at", "yesterday", "created_at is not an ISO 8601 time")]
    [InlineData("currency", null, "currency is missing")]
    public void Fields_that_would_not_fit_the_schema_are_refused_before_encoding(string field, string? value, string problem)
    {
        var body = ShopifySample.With(order => order[field] = value);

        var parse = () => ShopifyOrderPayload.Parse(body, Delivery);

        parse.Should().Throw<InvalidWebhookPayloadException>().Which.Message.Should().StartWith(problem);
    }

    [Fact]
    public void A_tax_rate_sent_with_more_than_8_decimals_is_refused_rather_than_rounded()
    {
        var body = ShopifySample.With(order => order["line_items"]![0]!["tax_lines"] = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["title"] = "State Tax", ["rate"] = System.Text.Json.Nodes.JsonValue.Create(0.123456789m), ["price"] = "1.00" }));

        var parse = () => ShopifyOrderPayload.Parse(body, Delivery);

        parse.Should().Throw<InvalidWebhookPayloadException>().Which.Message.Should().StartWith("line_items[0].tax_lines[0].rate does not fit");
    }
}
