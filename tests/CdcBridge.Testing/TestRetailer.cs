using CdcBridge.DevStack.Odoo;

namespace CdcBridge.Testing;

/// <summary>The retailer every Odoo test database starts with: small enough to clone in milliseconds.</summary>
public static class TestRetailer
{
    public static readonly SeedOptions Options = new() { Products = 200, Warehouses = 3, Seed = 7 };
}
