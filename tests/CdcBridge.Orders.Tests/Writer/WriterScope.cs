using CdcBridge.Orders.Odoo;
using CdcBridge.Orders.Tests.Odoo;
using CdcBridge.Orders.Writer;
using CdcBridge.Testing;

namespace CdcBridge.Orders.Tests.Writer;

/// <summary>An Odoo simulator on a fresh seeded database, a writer on it, and channel orders made up for the tests.</summary>
internal sealed class WriterScope : IAsyncDisposable
{
    public const string Shop = "north-wind.myshopify.com";
    public const string Module = "cdcbridge";

    private static long NextOrderIdSeed = 820_982_911_946_154_000;

    private WriterScope(OdooScope odoo) => Odoo = odoo;

    public OdooScope Odoo { get; }

    public MapVariantSkus Variants { get; } = new();

    public static async Task<WriterScope> StartAsync(RegistryInfrastructure fixture, CancellationToken ct) => new(await OdooScope.StartAsync(fixture, ct));

    /// <summary>A writer with its own client (another process, for concurrency tests).</summary>
    public OdooOrderWriter Writer(OdooConnectionOptions? options = null, OdooOrderWriterOptions? writerOptions = null) =>
        new(Odoo.Client(options), Variants, writerOptions ?? new OdooOrderWriterOptions { ExternalIdModule = Module });

    /// <summary>A unique Shopify order id per call (above 2^53, as real ones can be).</summary>
    public static long NewOrderId() => Interlocked.Increment(ref NextOrderIdSeed);

    public static IntakeOrderLine Line(long id, string? sku, int quantity, decimal price, decimal discount = 0m, int? current = null,
        long? variantId = null, params IntakeTaxLine[] taxes) => new()
        {
            LineItemId = id,
            Sku = sku,
            VariantId = variantId,
            Title = "Product " + (sku ?? "without SKU"),
            Quantity = quantity,
            CurrentQuantity = current,
            Price = price,
            TotalDiscount = discount,
            TaxLines = taxes,
        };

    public static IntakeOrder Order(long orderId, string? email, IReadOnlyList<IntakeOrderLine> lines, IReadOnlyList<IntakeShippingLine>? shipping = null,
        IntakeCustomer? customer = null, IntakeAddress? shipTo = null, IntakeAddress? billTo = null) => new()
        {
            ShopDomain = Shop,
            OrderId = orderId,
            Name = "#" + (orderId % 100_000),
            Email = email,
            Customer = customer,
            ShippingAddress = shipTo,
            BillingAddress = billTo,
            Currency = "USD",
            Lines = lines,
            ShippingLines = shipping ?? [],
            CreatedAt = new DateTime(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc),
            UpdatedAt = new DateTime(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc),
            ReceivedAt = new DateTime(2026, 5, 1, 10, 0, 1, DateTimeKind.Utc),
        };

    public static IntakeAddress Address(string street, string city = "Portland", string zip = "97201", string name = "Ada Example") => new()
    {
        Name = name,
        Address1 = street,
        City = city,
        Zip = zip,
        Province = "Oregon",
        ProvinceCode = "OR",
        Country = "United States",
        CountryCode = "US",
    };

    public static string Origin(long orderId) => $"shopify:{Shop}:{orderId}";

    public static string XmlidName(long orderId) => $"shopify_order_north_wind_myshopify_com_{orderId}";

    public Task<long> OrdersWithOriginAsync(long orderId, CancellationToken ct) =>
        Odoo.ScalarAsync<long>("SELECT count(*) FROM sale_order WHERE origin = $1", ct, Origin(orderId));

    public Task<long> ExternalIdsAsync(long orderId, CancellationToken ct) =>
        Odoo.ScalarAsync<long>("SELECT count(*) FROM ir_model_data WHERE module = $1 AND name = $2", ct, Module, XmlidName(orderId));

    public ValueTask DisposeAsync() => Odoo.DisposeAsync();

    /// <summary>A variant-to-SKU table standing in for Shopify; counts the questions it was asked.</summary>
    internal sealed class MapVariantSkus : IVariantSkuResolver
    {
        private readonly Dictionary<long, string?> _skus = [];
        private int _asked;

        public int Asked => _asked;

        public void Set(long variantId, string? sku) => _skus[variantId] = sku;

        public Task<string?> SkuOfVariantAsync(string shopDomain, long variantId, CancellationToken ct)
        {
            Interlocked.Increment(ref _asked);
            return Task.FromResult(shopDomain == Shop ? _skus.GetValueOrDefault(variantId) : null);
        }
    }
}
