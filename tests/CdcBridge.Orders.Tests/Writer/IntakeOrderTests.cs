using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;
using CdcBridge.Orders.Writer;

namespace CdcBridge.Orders.Tests.Writer;

/// <summary>IntakeOrder.FromRecord reads a retail.channel.order.v1 value as it comes off the topic (written and read with the schema).</summary>
public sealed class IntakeOrderTests
{
    private static readonly DateTime Created = new(2026, 5, 1, 9, 59, 30, DateTimeKind.Utc);

    [Fact]
    public void Reads_every_field_the_writer_needs_from_a_record_that_went_through_avro()
    {
        var record = RoundTrip(Value());

        var order = IntakeOrder.FromRecord(record);

        order.Should().BeEquivalentTo(new
        {
            ShopDomain = "north-wind.myshopify.com",
            OrderId = 820982911946154508L,
            Name = "#1001",
            Topic = IntakeOrderTopic.OrdersCancelled,
            Email = "ada@example.com",
            Phone = (string?)null,
            Currency = "USD",
            TaxesIncluded = true,
            TotalTax = 1.20m,
            CreatedAt = Created,
            UpdatedAt = Created.AddMinutes(5),
            CancelledAt = (DateTime?)Created.AddMinutes(5),
            ReceivedAt = Created.AddMinutes(6),
            IsCancelled = true,
            OdooOrigin = "shopify:north-wind.myshopify.com:820982911946154508",
        });
        order.Customer.Should().Be(new IntakeCustomer(42, "ada@example.com", "Ada", "Example", null));
        order.ShippingAddress.Should().BeEquivalentTo(new { Address1 = "1 Dock Road", City = "Portland", Zip = "97201", CountryCode = "US", Recipient = "Ada Example" });
        order.BillingAddress.Should().BeNull();
        order.Lines.Should().BeEquivalentTo(new[]
        {
            new { LineItemId = 1L, VariantId = (long?)51364590000001, Sku = (string?)"TEE-1", ResolvedSku = (string?)null, Quantity = 3, CurrentQuantity = (int?)2, EffectiveQuantity = 2,
                  Price = 19.9m, TotalDiscount = 1.5m, TaxLines = new[] { new IntakeTaxLine("State Tax", 0.06m, 1.2m) } },
            new { LineItemId = 2L, VariantId = (long?)null, Sku = (string?)null, ResolvedSku = (string?)"CUSTOM-2", Quantity = 1, CurrentQuantity = (int?)null, EffectiveQuantity = 1,
                  Price = 5m, TotalDiscount = 0m, TaxLines = Array.Empty<IntakeTaxLine>() },
        });
        order.ShippingLines.Should().ContainSingle().Which.Should().BeEquivalentTo(new { ShippingLineId = 9L, Title = "Standard", Price = 7.5m, DiscountedPrice = 5m });
        order.ToString().Should().Contain("#1001").And.NotContain("ada@example.com").And.NotContain("Dock Road");
        order.Customer!.ToString().Should().NotContain("Ada");
    }

    [Fact]
    public void A_record_of_another_schema_is_refused()
    {
        var other = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"Other","namespace":"x","fields":[]}""");

        var act = () => IntakeOrder.FromRecord(new GenericRecord(other));

        act.Should().Throw<InvalidDataException>();
    }

    private static GenericRecord RoundTrip(Dictionary<string, object?> value)
    {
        using var stream = typeof(IntakeOrder).Assembly.GetManifestResourceStream("CdcBridge.Orders.retail.channel.order.v1.avsc")!;
        using var reader = new StreamReader(stream);
        var schema = AvroSchema.Parse(reader.ReadToEnd());
        return (GenericRecord)new GenericDatumReader(schema).Deserialize(new GenericDatumWriter(schema).Serialize(value))!;
    }

    private static Dictionary<string, object?> Value() => new()
    {
        ["webhook_id"] = "w-1",
        ["event_id"] = null,
        ["topic"] = "ORDERS_CANCELLED",
        ["api_version"] = "2026-04",
        ["triggered_at"] = null,
        ["shop_domain"] = "north-wind.myshopify.com",
        ["order_id"] = 820982911946154508L,
        ["admin_graphql_api_id"] = "gid://shopify/Order/820982911946154508",
        ["name"] = "#1001",
        ["email"] = "ada@example.com",
        ["phone"] = null,
        ["customer"] = new Dictionary<string, object?> { ["customer_id"] = 42L, ["email"] = "ada@example.com", ["first_name"] = "Ada", ["last_name"] = "Example", ["phone"] = null },
        ["currency"] = "USD",
        ["presentment_currency"] = null,
        ["financial_status"] = "paid",
        ["fulfillment_status"] = null,
        ["test"] = false,
        ["taxes_included"] = true,
        ["source_name"] = "web",
        ["note"] = null,
        ["created_at"] = Created,
        ["updated_at"] = Created.AddMinutes(5),
        ["processed_at"] = Created,
        ["cancelled_at"] = Created.AddMinutes(5),
        ["cancel_reason"] = "customer",
        ["line_items"] = new List<object?>
        {
            Line(1, 51364590000001, "TEE-1", 3, 2, 19.9m, 1.5m, [new Dictionary<string, object?> { ["title"] = "State Tax", ["rate"] = 0.06m, ["price"] = 1.2m }]),
            Line(2, null, null, 1, null, 5m, 0m, resolvedSku: "CUSTOM-2"),
        },
        ["shipping_lines"] = new List<object?>
        {
            new Dictionary<string, object?>
            {
                ["shipping_line_id"] = 9L, ["title"] = "Standard", ["code"] = null, ["source"] = "shopify", ["price"] = 7.5m, ["discounted_price"] = 5m,
                ["tax_lines"] = new List<object?>(),
            },
        },
        ["shipping_address"] = new Dictionary<string, object?>
        {
            ["first_name"] = "Ada",
            ["last_name"] = "Example",
            ["name"] = null,
            ["company"] = null,
            ["address1"] = "1 Dock Road",
            ["address2"] = null,
            ["city"] = "Portland",
            ["province"] = "Oregon",
            ["province_code"] = "OR",
            ["zip"] = "97201",
            ["country"] = "United States",
            ["country_code"] = "US",
            ["phone"] = null,
            ["latitude"] = null,
            ["longitude"] = null,
        },
        ["billing_address"] = null,
        ["total_line_items_price"] = 64.7m,
        ["subtotal_price"] = 63.2m,
        ["total_discounts"] = 1.5m,
        ["total_shipping_price"] = 5m,
        ["total_tax"] = 1.2m,
        ["total_price"] = 69.4m,
        ["current_total_price"] = null,
        ["received_at"] = Created.AddMinutes(6),
        ["raw_payload"] = "{}",
    };

    private static Dictionary<string, object?> Line(long id, long? variant, string? sku, int quantity, int? current, decimal price, decimal discount,
        Dictionary<string, object?>[]? taxes = null, string? resolvedSku = null) => new()
        {
            ["line_item_id"] = id,
            ["variant_id"] = variant,
            ["product_id"] = null,
            ["sku"] = sku,
            ["title"] = "Product " + id,
            ["variant_title"] = null,
            ["quantity"] = quantity,
            ["current_quantity"] = current,
            ["requires_shipping"] = true,
            ["price"] = price,
            ["total_discount"] = discount,
            ["tax_lines"] = (taxes ?? []).Cast<object?>().ToList(),
            ["resolved_sku"] = resolvedSku,
        };
}
