using System.Text;

namespace CdcBridge.Orders.Writer;

// The parts of an IntakeOrder, as retail.channel.order.v1 carries them. Customers and addresses are personal data:
// their ToString prints nothing of them, so a log line or an exception message cannot leak them by accident.

/// <summary>Which webhook topic delivered the order; <see cref="Unknown"/> for a symbol newer than this reader.</summary>
public enum IntakeOrderTopic
{
    Unknown,
    OrdersCreate,
    OrdersUpdated,
    OrdersCancelled,
}

/// <summary>One tax on a line or a shipping line: <see cref="Rate"/> is a fraction (0.06 for 6 %), <see cref="Price"/> the amount.</summary>
public sealed record IntakeTaxLine(string Title, decimal Rate, decimal Price);

/// <summary>One line item. <see cref="Quantity"/> is what was ordered, <see cref="CurrentQuantity"/> what is still on the order after edits.</summary>
public sealed record IntakeOrderLine
{
    public required long LineItemId { get; init; }

    public long? VariantId { get; init; }

    public long? ProductId { get; init; }

    /// <summary>The variant's SKU as sent; null or empty for a variant without one.</summary>
    public string? Sku { get; init; }

    /// <summary>The variant's SKU the intake looked up when none was sent (<c>resolved_sku</c>); null otherwise.</summary>
    public string? ResolvedSku { get; init; }

    public required string Title { get; init; }

    public string? VariantTitle { get; init; }

    public required int Quantity { get; init; }

    public int? CurrentQuantity { get; init; }

    public bool RequiresShipping { get; init; } = true;

    /// <summary>Unit price before discounts, in the shop currency.</summary>
    public required decimal Price { get; init; }

    /// <summary>Total discount on the line (all units), in the shop currency.</summary>
    public decimal TotalDiscount { get; init; }

    public IReadOnlyList<IntakeTaxLine> TaxLines { get; init; } = [];

    /// <summary>Units to write: the current quantity when Shopify sent one.</summary>
    public int EffectiveQuantity => CurrentQuantity ?? Quantity;
}

/// <summary>One shipping method charged on the order.</summary>
public sealed record IntakeShippingLine
{
    public required long ShippingLineId { get; init; }

    public required string Title { get; init; }

    public string? Code { get; init; }

    public string? Source { get; init; }

    /// <summary>Price before discounts.</summary>
    public required decimal Price { get; init; }

    /// <summary>Price after discounts.</summary>
    public required decimal DiscountedPrice { get; init; }

    public IReadOnlyList<IntakeTaxLine> TaxLines { get; init; } = [];
}

/// <summary>The Shopify customer of the order. Personal data.</summary>
public sealed record IntakeCustomer(long CustomerId, string? Email, string? FirstName, string? LastName, string? Phone)
{
    /// <summary>"First Last", or null when Shopify sent neither.</summary>
    public string? FullName => IntakeAddress.Join(FirstName, LastName);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("CustomerId = ").Append(CustomerId).Append(", personal data = ***");
        return true;
    }
}

/// <summary>A postal address as Shopify sends it; every part may be missing. Personal data.</summary>
public sealed record IntakeAddress
{
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Name { get; init; }

    public string? Company { get; init; }

    public string? Address1 { get; init; }

    public string? Address2 { get; init; }

    public string? City { get; init; }

    public string? Province { get; init; }

    public string? ProvinceCode { get; init; }

    public string? Zip { get; init; }

    public string? Country { get; init; }

    public string? CountryCode { get; init; }

    public string? Phone { get; init; }

    /// <summary>Who receives at this address: the name Shopify composed, else first and last name.</summary>
    public string? Recipient => string.IsNullOrWhiteSpace(Name) ? Join(FirstName, LastName) : Name.Trim();

    internal static string? Join(string? first, string? last)
    {
        var joined = string.Join(' ', new[] { first, last }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()));
        return joined.Length == 0 ? null : joined;
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("HasRecipient = ").Append(Recipient is not null).Append(", personal data = ***");
        return true;
    }
}
