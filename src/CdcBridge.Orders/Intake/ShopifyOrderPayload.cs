using System.Text;
using System.Text.Json;

namespace CdcBridge.Orders.Intake;

/// <summary>
/// Reads the body of an orders/create, orders/updated or orders/cancelled webhook into the canonical record of
/// retail.channel.order.v1 (avro/retail.channel.order.v1.avsc) as generic Avro values: nested records as dictionaries,
/// arrays as lists, the topic as its enum symbol, times as UTC <see cref="DateTime"/>, money as <see cref="decimal"/>.
/// <para>
/// Shopify's ids exceed 2^53 (e.g. 820982911946154508), so they are read as Int64 and never through a double; money
/// fields are decimal strings ("199.00"); tax_lines[].rate is a JSON number read as a decimal; times carry an offset
/// ("2024-06-10T09:39:02-04:00") and are converted to UTC; line_items[].sku may be null.
/// </para>
/// </summary>
public static class ShopifyOrderPayload
{
    // Strict: a body that is not valid UTF-8 is refused rather than kept with replacement characters, so raw_payload is
    // exactly the text the HMAC was checked on.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="InvalidWebhookPayloadException">The body is not UTF-8, not JSON, or not an order.</exception>
    public static Dictionary<string, object?> Parse(ReadOnlyMemory<byte> body, WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var topic = ChannelOrderSchema.TopicSymbol(delivery.Topic)
            ?? throw new ArgumentException($"'{delivery.Topic}' is not an order topic.", nameof(delivery));
        string text;
        try
        {
            text = StrictUtf8.GetString(body.Span);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidWebhookPayloadException("The body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            // The position only: the parser's own message quotes the offending text.
            throw new InvalidWebhookPayloadException($"The body is not JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }

        using (document)
        {
            var order = PayloadFields.Root(document.RootElement);
            // What makes a body an order at all: a numeric id, a name and an array of line items.
            var orderId = order.RequiredInt64("id");
            var name = order.RequiredString("name");
            var lineItems = order.Objects("line_items", required: true);
            var record = new Dictionary<string, object?>
            {
                ["webhook_id"] = delivery.WebhookId,
                ["event_id"] = delivery.EventId,
                ["topic"] = topic,
                ["api_version"] = delivery.ApiVersion,
                ["triggered_at"] = delivery.TriggeredAt,
                ["shop_domain"] = delivery.ShopDomain,
                ["order_id"] = orderId,
                ["admin_graphql_api_id"] = order.OptionalString("admin_graphql_api_id") ?? $"gid://shopify/Order/{orderId}",
                ["name"] = name,
                ["email"] = order.OptionalString("email"),
                ["phone"] = order.OptionalString("phone"),
                ["customer"] = order.OptionalObject("customer") is { } customer ? Customer(customer) : null,
                ["currency"] = order.RequiredString("currency"),
                ["presentment_currency"] = order.OptionalString("presentment_currency"),
                ["financial_status"] = order.OptionalString("financial_status"),
                ["fulfillment_status"] = order.OptionalString("fulfillment_status"),
                ["test"] = order.Boolean("test", whenAbsent: false),
                ["taxes_included"] = order.Boolean("taxes_included", whenAbsent: false),
                ["source_name"] = order.OptionalString("source_name"),
                ["note"] = order.OptionalString("note"),
                ["created_at"] = order.RequiredTimestamp("created_at"),
                ["updated_at"] = order.RequiredTimestamp("updated_at"),
                ["processed_at"] = order.OptionalTimestamp("processed_at"),
                ["cancelled_at"] = order.OptionalTimestamp("cancelled_at"),
                ["cancel_reason"] = order.OptionalString("cancel_reason"),
                ["line_items"] = lineItems.Select(l => (object?)LineItem(l)).ToList(),
                ["shipping_lines"] = order.Objects("shipping_lines", required: false).Select(s => (object?)ShippingLine(s)).ToList(),
                ["shipping_address"] = order.OptionalObject("shipping_address") is { } shipping ? Address(shipping) : null,
                ["billing_address"] = order.OptionalObject("billing_address") is { } billing ? Address(billing) : null,
                ["total_line_items_price"] = order.RequiredMoney("total_line_items_price"),
                ["subtotal_price"] = order.RequiredMoney("subtotal_price"),
                ["total_discounts"] = order.RequiredMoney("total_discounts"),
                ["total_shipping_price"] = ShippingTotal(order),
                ["total_tax"] = order.RequiredMoney("total_tax"),
                ["total_price"] = order.RequiredMoney("total_price"),
                ["current_total_price"] = order.OptionalMoney("current_total_price"),
                ["received_at"] = delivery.ReceivedAt,
                ["raw_payload"] = text,
            };
            return record;
        }
    }

    private static Dictionary<string, object?> Customer(PayloadFields c) => new()
    {
        ["customer_id"] = c.RequiredInt64("id"),
        ["email"] = c.OptionalString("email"),
        ["first_name"] = c.OptionalString("first_name"),
        ["last_name"] = c.OptionalString("last_name"),
        ["phone"] = c.OptionalString("phone"),
    };

    private static Dictionary<string, object?> LineItem(PayloadFields l) => new()
    {
        ["line_item_id"] = l.RequiredInt64("id"),
        ["variant_id"] = l.OptionalInt64("variant_id"),
        ["product_id"] = l.OptionalInt64("product_id"),
        ["sku"] = l.OptionalString("sku"),
        ["title"] = l.RequiredString("title"),
        ["variant_title"] = l.OptionalString("variant_title"),
        ["quantity"] = l.RequiredInt32("quantity"),
        ["current_quantity"] = l.OptionalInt32("current_quantity"),
        ["requires_shipping"] = l.Boolean("requires_shipping", whenAbsent: true),
        ["price"] = l.RequiredMoney("price"),
        ["total_discount"] = l.OptionalMoney("total_discount") ?? 0m,
        ["tax_lines"] = TaxLines(l),
        // Filled by the receiver's IntakeSkuLookup when sku came empty.
        ["resolved_sku"] = null,
    };

    private static Dictionary<string, object?> ShippingLine(PayloadFields s) => new()
    {
        ["shipping_line_id"] = s.RequiredInt64("id"),
        ["title"] = s.RequiredString("title"),
        ["code"] = s.OptionalString("code"),
        ["source"] = s.OptionalString("source"),
        ["price"] = s.RequiredMoney("price"),
        // Without a discount Shopify's discounted price is the price.
        ["discounted_price"] = s.OptionalMoney("discounted_price") ?? s.RequiredMoney("price"),
        ["tax_lines"] = TaxLines(s),
    };

    private static List<object?> TaxLines(PayloadFields owner) => owner.Objects("tax_lines", required: false)
        .Select(t => (object?)new Dictionary<string, object?>
        {
            ["title"] = t.RequiredString("title"),
            ["rate"] = t.RequiredRate("rate"),
            ["price"] = t.RequiredMoney("price"),
        })
        .ToList();

    private static Dictionary<string, object?> Address(PayloadFields a) => new()
    {
        ["first_name"] = a.OptionalString("first_name"),
        ["last_name"] = a.OptionalString("last_name"),
        ["name"] = a.OptionalString("name"),
        ["company"] = a.OptionalString("company"),
        ["address1"] = a.OptionalString("address1"),
        ["address2"] = a.OptionalString("address2"),
        ["city"] = a.OptionalString("city"),
        ["province"] = a.OptionalString("province"),
        ["province_code"] = a.OptionalString("province_code"),
        ["zip"] = a.OptionalString("zip"),
        ["country"] = a.OptionalString("country"),
        ["country_code"] = a.OptionalString("country_code"),
        ["phone"] = a.OptionalString("phone"),
        ["latitude"] = a.OptionalDouble("latitude"),
        ["longitude"] = a.OptionalDouble("longitude"),
    };

    // The order's shipping total is only in total_shipping_price_set.shop_money.amount (in the shop currency).
    private static decimal? ShippingTotal(PayloadFields order) =>
        order.OptionalObject("total_shipping_price_set")?.OptionalObject("shop_money")?.OptionalMoney("amount");
}
