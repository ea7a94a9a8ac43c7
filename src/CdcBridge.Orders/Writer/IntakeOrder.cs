using System.Text;
using CdcBridge.Avro.Generic;
using CdcBridge.Inventory;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// One retail.channel.order.v1 record (avro/retail.channel.order.v1.avsc) as the Odoo writer reads it. Money is in the
/// shop currency (<see cref="Currency"/>), times are UTC. Carries personal data (email, phone, customer, addresses):
/// <see cref="ToString"/> prints only the order's identity.
/// </summary>
public sealed record IntakeOrder
{
    public required string ShopDomain { get; init; }

    public required long OrderId { get; init; }

    /// <summary>The order name buyers see, e.g. "#1001".</summary>
    public required string Name { get; init; }

    public IntakeOrderTopic Topic { get; init; } = IntakeOrderTopic.OrdersCreate;

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public IntakeCustomer? Customer { get; init; }

    public IntakeAddress? ShippingAddress { get; init; }

    public IntakeAddress? BillingAddress { get; init; }

    /// <summary>ISO 4217 code of the shop currency.</summary>
    public required string Currency { get; init; }

    /// <summary>Prices already include tax.</summary>
    public bool TaxesIncluded { get; init; }

    /// <summary>The buyer's note.</summary>
    public string? Note { get; init; }

    public IReadOnlyList<IntakeOrderLine> Lines { get; init; } = [];

    public IReadOnlyList<IntakeShippingLine> ShippingLines { get; init; } = [];

    public decimal TotalTax { get; init; }

    public DateTime CreatedAt { get; init; }

    /// <summary>Orders the deliveries of one order (Shopify does not deliver them in order).</summary>
    public DateTime UpdatedAt { get; init; }

    public DateTime? CancelledAt { get; init; }

    /// <summary>When the webhook receiver accepted this delivery.</summary>
    public DateTime ReceivedAt { get; init; }

    public bool IsCancelled => Topic == IntakeOrderTopic.OrdersCancelled || CancelledAt is not null;

    /// <summary>
    /// <c>sale_order.origin</c> of this order in Odoo, <c>shopify:&lt;shop domain&gt;:&lt;order id&gt;</c>: how availability
    /// recognises the Odoo order as this channel order (<see cref="ChannelOrder.OriginFor"/>).
    /// </summary>
    public string OdooOrigin => ChannelOrder.OriginFor(ShopDomain, OrderId);

    /// <summary>Reads a <c>retail.channel.ChannelOrder</c> record (enums as symbols, decimals as <see cref="AvroDecimal"/>, timestamps as UTC DateTime).</summary>
    public static IntakeOrder FromRecord(GenericRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Schema.FullName != "retail.channel.ChannelOrder")
        {
            throw new InvalidDataException($"Not a retail.channel.ChannelOrder record ({record.Schema.FullName}).");
        }

        try
        {
            return new IntakeOrder
            {
                ShopDomain = Required<string>(record, "shop_domain"),
                OrderId = Required<long>(record, "order_id"),
                Name = Required<string>(record, "name"),
                Topic = TopicOf(record["topic"]?.ToString()),
                Email = Text(record, "email"),
                Phone = Text(record, "phone"),
                Customer = record["customer"] is GenericRecord c
                    ? new IntakeCustomer(Required<long>(c, "customer_id"), Text(c, "email"), Text(c, "first_name"), Text(c, "last_name"), Text(c, "phone"))
                    : null,
                ShippingAddress = Address(record["shipping_address"]),
                BillingAddress = Address(record["billing_address"]),
                Currency = Required<string>(record, "currency"),
                TaxesIncluded = record["taxes_included"] as bool? ?? false,
                Note = Text(record, "note"),
                Lines = [.. Records(record, "line_items").Select(Line)],
                ShippingLines = [.. Records(record, "shipping_lines").Select(Shipping)],
                TotalTax = Money(record, "total_tax"),
                CreatedAt = Required<DateTime>(record, "created_at"),
                UpdatedAt = Required<DateTime>(record, "updated_at"),
                CancelledAt = record["cancelled_at"] as DateTime?,
                ReceivedAt = Required<DateTime>(record, "received_at"),
            };
        }
        catch (Exception e) when (e is InvalidCastException or KeyNotFoundException)
        {
            throw new InvalidDataException($"The channel order record does not match retail.channel.order.v1: {e.Message}", e);
        }
    }

    private static IntakeOrderLine Line(GenericRecord l) => new()
    {
        LineItemId = Required<long>(l, "line_item_id"),
        VariantId = l["variant_id"] as long?,
        ProductId = l["product_id"] as long?,
        Sku = l["sku"] as string,
        ResolvedSku = l.TryGet("resolved_sku", out var resolved) ? resolved as string : null, // absent from version 1 records
        Title = Required<string>(l, "title"),
        VariantTitle = Text(l, "variant_title"),
        Quantity = Required<int>(l, "quantity"),
        CurrentQuantity = l["current_quantity"] as int?,
        RequiresShipping = l["requires_shipping"] as bool? ?? true,
        Price = Money(l, "price"),
        TotalDiscount = Money(l, "total_discount"),
        TaxLines = Taxes(l),
    };

    private static IntakeShippingLine Shipping(GenericRecord s) => new()
    {
        ShippingLineId = Required<long>(s, "shipping_line_id"),
        Title = Required<string>(s, "title"),
        Code = Text(s, "code"),
        Source = Text(s, "source"),
        Price = Money(s, "price"),
        DiscountedPrice = Money(s, "discounted_price"),
        TaxLines = Taxes(s),
    };

    private static List<IntakeTaxLine> Taxes(GenericRecord owner) =>
        [.. Records(owner, "tax_lines").Select(t => new IntakeTaxLine(Required<string>(t, "title"), Money(t, "rate"), Money(t, "price")))];

    private static IntakeAddress? Address(object? value) => value is not GenericRecord a ? null : new IntakeAddress
    {
        FirstName = Text(a, "first_name"),
        LastName = Text(a, "last_name"),
        Name = Text(a, "name"),
        Company = Text(a, "company"),
        Address1 = Text(a, "address1"),
        Address2 = Text(a, "address2"),
        City = Text(a, "city"),
        Province = Text(a, "province"),
        ProvinceCode = Text(a, "province_code"),
        Zip = Text(a, "zip"),
        Country = Text(a, "country"),
        CountryCode = Text(a, "country_code"),
        Phone = Text(a, "phone"),
    };

    private static IntakeOrderTopic TopicOf(string? symbol) => symbol switch
    {
        "ORDERS_CREATE" => IntakeOrderTopic.OrdersCreate,
        "ORDERS_UPDATED" => IntakeOrderTopic.OrdersUpdated,
        "ORDERS_CANCELLED" => IntakeOrderTopic.OrdersCancelled,
        _ => IntakeOrderTopic.Unknown,
    };

    private static IEnumerable<GenericRecord> Records(GenericRecord owner, string field) =>
        (owner[field] as IEnumerable<object?> ?? []).Cast<GenericRecord>();

    private static T Required<T>(GenericRecord record, string field) =>
        record[field] is T value ? value : throw new InvalidDataException($"{record.Schema.Name}.{field} is missing or not a {typeof(T).Name}.");

    /// <summary>A string field, null when absent or blank.</summary>
    private static string? Text(GenericRecord record, string field) => record[field] is string s && !string.IsNullOrWhiteSpace(s) ? s : null;

    /// <summary>A decimal field as .NET decimal (decimal(18,4) always fits; writers may also have put a decimal there).</summary>
    private static decimal Money(GenericRecord record, string field) => record[field] switch
    {
        AvroDecimal d => d.ToDecimal(),
        decimal m => m,
        null => 0m,
        var other => throw new InvalidDataException($"{record.Schema.Name}.{field} is a {other.GetType().Name}, not a decimal."),
    };

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("ShopDomain = ").Append(ShopDomain).Append(", OrderId = ").Append(OrderId).Append(", Name = ").Append(Name)
            .Append(", Topic = ").Append(Topic).Append(", Lines = ").Append(Lines.Count).Append(", ShippingLines = ").Append(ShippingLines.Count);
        return true;
    }
}
