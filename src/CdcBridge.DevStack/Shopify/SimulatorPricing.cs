namespace CdcBridge.DevStack.Shopify;

/// <summary>
/// How the simulated shop prices an order: the variant's catalog price (else a fixed one), one flat shipping line and a
/// sales tax on the lines, not included in the prices. The currency and the 10.00 shipping line are those of Shopify's
/// orders/create sample (the "send test notification" payload, 2024-06).
/// </summary>
public static class SimulatorPricing
{
    public const string Currency = "USD";

    /// <summary>The unit price of a variant whose catalog entry has none (catalogs built in code).</summary>
    public const decimal DefaultUnitPrice = 25.00m;

    public const decimal ShippingPrice = 10.00m;

    public const string ShippingTitle = "Standard Shipping";

    public const decimal TaxRate = 0.06m;

    public const string TaxTitle = "Sales Tax";

    /// <summary>Money to the cent, halves away from zero.</summary>
    public static decimal Round(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <summary>Tax of a line: rate × unit price × quantity, to the cent.</summary>
    public static decimal LineTax(decimal unitPrice, int quantity) => Round(unitPrice * quantity * TaxRate);
}
