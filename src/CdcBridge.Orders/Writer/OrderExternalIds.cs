using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// The external ids (ir.model.data, unique on (module, name); odoo.md §3.4) that make the writer's creates race-proof:
/// <c>Model.load</c> with an <c>id</c> column creates the record or updates the one the id names, atomically, so two
/// writers of one order (or one customer) end up with one record. Names carry no personal data: a customer's email is
/// hashed, never spelled out.
/// </summary>
public static class OrderExternalIds
{
    /// <summary><c>&lt;module&gt;.shopify_order_&lt;shop slug&gt;_&lt;order id&gt;</c>: the order's idempotency key.</summary>
    public static string Order(string module, string shopDomain, long orderId) =>
        string.Create(CultureInfo.InvariantCulture, $"{module}.shopify_order_{Slug(shopDomain)}_{orderId}");

    /// <summary>
    /// A line item of the order. Lines carry their own external ids so that a load meeting an order that already exists
    /// (it lost the race between look-up and create) updates the same lines instead of adding them again.
    /// </summary>
    public static string Line(string module, string shopDomain, long lineItemId) =>
        string.Create(CultureInfo.InvariantCulture, $"{module}.shopify_line_{Slug(shopDomain)}_{lineItemId}");

    /// <summary>A shipping line of the order (Shopify numbers them apart from line items).</summary>
    public static string ShippingLine(string module, string shopDomain, long shippingLineId) =>
        string.Create(CultureInfo.InvariantCulture, $"{module}.shopify_shipping_{Slug(shopDomain)}_{shippingLineId}");

    /// <summary>The partner made for a buyer's email (found by email first; this only keeps two concurrent creates to one).</summary>
    public static string PartnerByEmail(string module, string normalizedEmail) => $"{module}.shopify_partner_{Hash(normalizedEmail)}";

    /// <summary>The partner of a Shopify customer without an email.</summary>
    public static string PartnerByCustomer(string module, string shopDomain, long customerId) =>
        string.Create(CultureInfo.InvariantCulture, $"{module}.shopify_customer_{Slug(shopDomain)}_{customerId}");

    /// <summary>The partner of an order with neither email nor customer (e.g. a guest POS sale): one per order.</summary>
    public static string PartnerOfOrder(string module, string shopDomain, long orderId) =>
        string.Create(CultureInfo.InvariantCulture, $"{module}.shopify_buyer_{Slug(shopDomain)}_{orderId}");

    /// <summary>A delivery or invoice address under a partner: the same address is one child contact, whatever the order.</summary>
    public static string Address(string module, int partnerId, string type, string addressKey) =>
        string.Create(CultureInfo.InvariantCulture, $"{module}.shopify_address_{partnerId}_{type}_{Hash(addressKey)}");

    /// <summary>The shop domain with every character but ASCII letters and digits turned into '_'.</summary>
    public static string Slug(string shopDomain)
    {
        ArgumentNullException.ThrowIfNull(shopDomain);
        return string.Create(shopDomain.Length, shopDomain, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsAsciiLetterOrDigit(text[i]) ? text[i] : '_';
            }
        });
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24];
}
