namespace CdcBridge.DevStack.Odoo;

/// <summary>Size and randomness of the seeded retailer. The same options always produce the same rows.</summary>
public sealed record SeedOptions
{
    /// <summary>Product variants (product_product rows), each with a SKU.</summary>
    public int Products { get; init; } = 1_000;

    /// <summary>Warehouses, 1 to 3; the first runs multi-step reception and pick + ship delivery.</summary>
    public int Warehouses { get; init; } = 3;

    /// <summary>The random seed; the same seed gives byte-identical tables.</summary>
    public int Seed { get; init; } = 42;

    public int Customers => Math.Max(20, Products / 10);

    public int OpenOrders => Math.Max(10, Products / 20);

    public void Validate()
    {
        if (Products is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Products), Products, "The seed supports 1 to 1,000,000 products.");
        }

        if (Warehouses is < 1 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(Warehouses), Warehouses, "The seed supports 1 to 3 warehouses.");
        }
    }
}
