using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Shopify;

/// <summary>
/// The REST Order resource, the body of orders/* webhooks. Its shape restates Shopify's own orders/create sample (the
/// "send test notification" payload, 2024-06, kept by the project as test data): 64-bit ids, money as strings with two
/// decimals plus <c>*_set</c> objects in shop and presentment money, ISO-8601 times with the shop's offset, tax rates as
/// JSON numbers, <c>sku</c> null for variants without one (Shopify sends that; a receiver then needs <c>variant_id</c>).
/// </summary>
internal static class ShopifyOrderResource
{
    /// <summary>The dev shop's time zone: a fixed UTC−04:00, the offset of the sample's times (2024-06-26T12:33:21-04:00).</summary>
    public static readonly TimeSpan ShopUtcOffset = TimeSpan.FromHours(-4);

    /// <summary>The shop's numeric id in order status URLs (made up).</summary>
    private const long ShopId = 71_234_560_123;

    public static JsonObject Build(ShopifySimOrder order, SimCustomer? customer, string shopDomain, bool withoutSku)
    {
        var currency = order.Currency;
        var profile = customer?.Profile ?? ShopperProfile.From(order.Email);
        var cancelled = order.CancelledAt is not null;
        var token = Token(order.Id);
        return new JsonObject
        {
            ["id"] = order.Id,
            ["admin_graphql_api_id"] = order.AdminGraphqlApiId,
            ["app_id"] = null,
            ["browser_ip"] = null,
            ["buyer_accepts_marketing"] = false,
            ["cancel_reason"] = order.CancelReason,
            ["cancelled_at"] = Time(order.CancelledAt),
            ["cart_token"] = null,
            ["checkout_id"] = null,
            ["checkout_token"] = null,
            ["client_details"] = null,
            ["closed_at"] = null,
            ["company"] = null,
            ["confirmation_number"] = token[..9].ToUpperInvariant(),
            ["confirmed"] = true,
            ["contact_email"] = order.Email,
            ["created_at"] = Time(order.CreatedAt),
            ["currency"] = currency,
            ["current_subtotal_price"] = Money(order.SubtotalPrice),
            ["current_subtotal_price_set"] = MoneySet(order.SubtotalPrice, currency),
            ["current_total_additional_fees_set"] = null,
            ["current_total_discounts"] = Money(0),
            ["current_total_discounts_set"] = MoneySet(0, currency),
            ["current_total_duties_set"] = null,
            ["current_total_price"] = Money(order.TotalPrice),
            ["current_total_price_set"] = MoneySet(order.TotalPrice, currency),
            ["current_total_tax"] = Money(order.TotalTax),
            ["current_total_tax_set"] = MoneySet(order.TotalTax, currency),
            ["customer_locale"] = "en",
            ["device_id"] = null,
            ["discount_codes"] = new JsonArray(),
            ["duties_included"] = false,
            ["email"] = order.Email,
            ["estimated_taxes"] = false,
            ["financial_status"] = "paid",
            ["fulfillment_status"] = null,
            ["landing_site"] = null,
            ["landing_site_ref"] = null,
            ["location_id"] = null,
            ["merchant_of_record_app_id"] = null,
            ["name"] = order.Name,
            ["note"] = null,
            ["note_attributes"] = new JsonArray(),
            ["number"] = order.OrderNumber - 1000,
            ["order_number"] = order.OrderNumber,
            ["order_status_url"] = $"https://{shopDomain}/{ShopId}/orders/{token}/authenticate?key={Token(~order.Id)}",
            ["original_total_additional_fees_set"] = null,
            ["original_total_duties_set"] = null,
            ["payment_gateway_names"] = new JsonArray("shopify_payments"),
            ["phone"] = null,
            ["po_number"] = null,
            ["presentment_currency"] = currency,
            ["processed_at"] = Time(order.CreatedAt),
            ["reference"] = null,
            ["referring_site"] = null,
            ["source_identifier"] = null,
            ["source_name"] = "web",
            ["source_url"] = null,
            ["subtotal_price"] = Money(order.SubtotalPrice),
            ["subtotal_price_set"] = MoneySet(order.SubtotalPrice, currency),
            ["tags"] = "",
            ["tax_exempt"] = false,
            ["tax_lines"] = TaxLines(order.TotalTax, currency),
            ["taxes_included"] = false,
            ["test"] = false,
            ["token"] = token,
            ["total_discounts"] = Money(0),
            ["total_discounts_set"] = MoneySet(0, currency),
            ["total_line_items_price"] = Money(order.SubtotalPrice),
            ["total_line_items_price_set"] = MoneySet(order.SubtotalPrice, currency),
            ["total_outstanding"] = Money(0),
            ["total_price"] = Money(order.TotalPrice),
            ["total_price_set"] = MoneySet(order.TotalPrice, currency),
            ["total_shipping_price_set"] = MoneySet(order.ShippingPrice, currency),
            ["total_tax"] = Money(order.TotalTax),
            ["total_tax_set"] = MoneySet(order.TotalTax, currency),
            ["total_tip_received"] = Money(0),
            ["total_weight"] = 0,
            ["updated_at"] = Time(order.UpdatedAt),
            ["user_id"] = null,
            ["billing_address"] = Address(profile),
            ["customer"] = customer is null ? null : Customer(customer, currency),
            ["discount_applications"] = new JsonArray(),
            ["fulfillments"] = new JsonArray(),
            ["line_items"] = new JsonArray([.. order.Lines.Select(l => LineItem(l, currency, withoutSku, cancelled))]),
            ["payment_terms"] = null,
            ["refunds"] = new JsonArray(),
            ["shipping_address"] = Address(profile),
            ["shipping_lines"] = new JsonArray(new JsonObject
            {
                ["id"] = order.ShippingLineId,
                ["carrier_identifier"] = null,
                ["code"] = "Standard",
                ["discounted_price"] = Money(order.ShippingPrice),
                ["discounted_price_set"] = MoneySet(order.ShippingPrice, currency),
                ["is_removed"] = false,
                ["phone"] = null,
                ["price"] = Money(order.ShippingPrice),
                ["price_set"] = MoneySet(order.ShippingPrice, currency),
                ["requested_fulfillment_service_id"] = null,
                ["source"] = "shopify",
                ["title"] = SimulatorPricing.ShippingTitle,
                ["tax_lines"] = new JsonArray(),
                ["discount_allocations"] = new JsonArray(),
            }),
        };
    }

    /// <summary>Money as Shopify writes it: a string with two decimals.</summary>
    public static string Money(decimal amount) => SimulatorPricing.Round(amount).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A time as Shopify writes it: to the second, in the shop's offset ("2024-06-26T12:33:21-04:00").</summary>
    public static string? Time(DateTimeOffset? at) =>
        at?.ToOffset(ShopUtcOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static JsonObject LineItem(ShopifySimOrderLine line, string currency, bool withoutSku, bool cancelled)
    {
        var hasOptions = line.VariantTitle != ShopifyCatalogVariant.DefaultTitle;
        return new JsonObject
        {
            ["id"] = line.Id,
            ["admin_graphql_api_id"] = $"gid://shopify/LineItem/{line.Id}",
            ["attributed_staffs"] = new JsonArray(),
            ["current_quantity"] = line.Quantity,
            ["fulfillable_quantity"] = cancelled ? 0 : line.Quantity,
            ["fulfillment_service"] = "manual",
            ["fulfillment_status"] = null,
            ["gift_card"] = false,
            ["grams"] = 0,
            ["name"] = hasOptions ? $"{line.ProductTitle} - {line.VariantTitle}" : line.ProductTitle,
            ["price"] = Money(line.Price),
            ["price_set"] = MoneySet(line.Price, currency),
            ["product_exists"] = true,
            ["product_id"] = line.ProductId,
            ["properties"] = new JsonArray(),
            ["quantity"] = line.Quantity,
            ["requires_shipping"] = true,
            ["sku"] = withoutSku ? null : line.Sku,
            ["taxable"] = true,
            ["title"] = line.ProductTitle,
            ["total_discount"] = Money(0),
            ["total_discount_set"] = MoneySet(0, currency),
            ["variant_id"] = line.VariantId,
            ["variant_inventory_management"] = "shopify",
            ["variant_title"] = hasOptions ? line.VariantTitle : null,
            ["vendor"] = null,
            ["tax_lines"] = TaxLines(line.Tax, currency),
            ["duties"] = new JsonArray(),
            ["discount_allocations"] = new JsonArray(),
        };
    }

    private static JsonArray TaxLines(decimal tax, string currency) => new(new JsonObject
    {
        ["channel_liable"] = false,
        ["price"] = Money(tax),
        ["price_set"] = MoneySet(tax, currency),
        ["rate"] = SimulatorPricing.TaxRate,
        ["title"] = SimulatorPricing.TaxTitle,
    });

    private static JsonObject Customer(SimCustomer customer, string currency)
    {
        var profile = customer.Profile;
        var address = Address(profile);
        address.Remove("latitude");
        address.Remove("longitude");
        address["id"] = customer.AddressId;
        address["customer_id"] = customer.Id;
        address["country_name"] = profile.Country;
        address["default"] = true;
        return new JsonObject
        {
            ["id"] = customer.Id,
            ["email"] = customer.Email,
            ["created_at"] = Time(customer.CreatedAt),
            ["updated_at"] = Time(customer.UpdatedAt),
            ["first_name"] = profile.FirstName,
            ["last_name"] = profile.LastName,
            ["state"] = "disabled",
            ["note"] = null,
            ["verified_email"] = true,
            ["multipass_identifier"] = null,
            ["tax_exempt"] = false,
            ["phone"] = null,
            ["email_marketing_consent"] = new JsonObject { ["state"] = "not_subscribed", ["opt_in_level"] = "single_opt_in", ["consent_updated_at"] = null },
            ["sms_marketing_consent"] = null,
            ["tags"] = "",
            ["currency"] = currency,
            ["tax_exemptions"] = new JsonArray(),
            ["admin_graphql_api_id"] = $"gid://shopify/Customer/{customer.Id}",
            ["default_address"] = address,
        };
    }

    private static JsonObject Address(ShopperProfile profile) => new()
    {
        ["first_name"] = profile.FirstName,
        ["address1"] = profile.Address1,
        ["phone"] = profile.Phone,
        ["city"] = profile.City,
        ["zip"] = profile.Zip,
        ["province"] = profile.Province,
        ["country"] = profile.Country,
        ["last_name"] = profile.LastName,
        ["address2"] = profile.Address2,
        ["company"] = null,
        ["latitude"] = null,
        ["longitude"] = null,
        ["name"] = profile.Name,
        ["country_code"] = profile.CountryCode,
        ["province_code"] = profile.ProvinceCode,
    };

    private static JsonObject MoneySet(decimal amount, string currency) => new()
    {
        ["shop_money"] = new JsonObject { ["amount"] = Money(amount), ["currency_code"] = currency },
        ["presentment_money"] = new JsonObject { ["amount"] = Money(amount), ["currency_code"] = currency },
    };

    /// <summary>A stable 32-hex-digit token of a number (Shopify's order tokens look like this).</summary>
    private static string Token(long value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture))).AsSpan(0, 16));
}
