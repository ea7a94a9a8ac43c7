using System.Text.RegularExpressions;

namespace CdcBridge.Inventory;

/// <summary>A store and the Shopify locations availability is computed for (from the configuration, ids resolved).</summary>
public sealed record StoreTarget(string ShopDomain, IReadOnlyList<LocationTarget> Locations, SkuAssortment Assortment)
{
    /// <summary>
    /// Odoo warehouse code the Odoo writer puts this store's orders in. Until Odoo holds them, they count against the
    /// other stores' locations that hold this warehouse's stock. Null: the first warehouse of the first location.
    /// </summary>
    public string? OrderWarehouse { get; init; }

    public string? EffectiveOrderWarehouse => OrderWarehouse ?? Locations.SelectMany(l => l.OdooWarehouses).FirstOrDefault();
}

/// <summary>
/// One Shopify location and the Odoo stock it sells: warehouses (their stock location, <c>lot_stock_id</c>, and its
/// children) and/or locations by complete name (with their children).
/// </summary>
public sealed record LocationTarget(long ShopifyLocationId, string ShopifyLocationName, IReadOnlyList<string> OdooWarehouses, IReadOnlyList<string> OdooLocations)
{
    public decimal SafetyStock { get; init; }

    public IReadOnlyDictionary<string, decimal> SafetyStockBySku { get; init; } = new Dictionary<string, decimal>();

    public decimal SafetyStockFor(string sku) => SafetyStockBySku.TryGetValue(sku, out var s) ? s : SafetyStock;
}

/// <summary>Which SKUs a store sells: include and exclude patterns with <c>*</c> wildcards; empty include means all.</summary>
public sealed class SkuAssortment
{
    private readonly Regex[] _include;
    private readonly Regex[] _exclude;

    public SkuAssortment(IReadOnlyList<string>? include = null, IReadOnlyList<string>? exclude = null)
    {
        Include = include ?? [];
        Exclude = exclude ?? [];
        _include = Include.Select(Glob).ToArray();
        _exclude = Exclude.Select(Glob).ToArray();
    }

    public static SkuAssortment All { get; } = new();

    public IReadOnlyList<string> Include { get; }

    public IReadOnlyList<string> Exclude { get; }

    public bool Includes(string sku) =>
        (_include.Length == 0 || _include.Any(r => r.IsMatch(sku))) && !_exclude.Any(r => r.IsMatch(sku));

    private static Regex Glob(string pattern) =>
        new($"^{Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal)}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
