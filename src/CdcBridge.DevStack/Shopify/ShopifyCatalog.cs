using Npgsql;

namespace CdcBridge.DevStack.Shopify;

/// <summary>A Shopify location of the simulated shop. <paramref name="Id"/> is the numeric part of its GID.</summary>
public sealed record ShopifyCatalogLocation(long Id, string Name, bool IsActive = true, bool FulfillsOnlineOrders = true)
{
    public string Gid => ShopifyGid.Location(Id);
}

/// <summary>
/// A product variant with its inventory item (one item per variant, as in Shopify). Ids are the numeric parts of the
/// GIDs. <paramref name="Price"/> is the unit price orders are placed at; without one, orders use
/// <see cref="SimulatorPricing.DefaultUnitPrice"/>.
/// </summary>
public sealed record ShopifyCatalogVariant(
    string Sku,
    long VariantId,
    long InventoryItemId,
    long ProductId,
    string ProductTitle,
    string Title = ShopifyCatalogVariant.DefaultTitle,
    bool Tracked = true,
    decimal? Price = null)
{
    /// <summary>The title Shopify gives the only variant of a product without options.</summary>
    public const string DefaultTitle = "Default Title";

    public string DisplayName => $"{ProductTitle} - {Title}";
}

/// <summary>What the simulated shop sells and where: its locations and variants. Every level starts at 0.</summary>
public sealed record ShopifyCatalog(IReadOnlyList<ShopifyCatalogLocation> Locations, IReadOnlyList<ShopifyCatalogVariant> Variants)
{
    /// <summary>Shopify-sized id bases: Odoo ids are added to them, so ids are deterministic and look like real ones.</summary>
    public const long LocationIdBase = 106_318_430_000;

    public const long InventoryItemIdBase = 53_469_430_000_000;

    public const long VariantIdBase = 51_364_590_000_000;

    public const long ProductIdBase = 10_220_850_000_000;

    public static ShopifyCatalog Empty { get; } = new([], []);

    /// <summary>
    /// A catalog built in code (tests): locations named as given (ids <see cref="LocationIdBase"/> + 1, 2, ...) and one
    /// single-variant product per SKU (item id <see cref="InventoryItemIdBase"/> + 1, 2, ... in the order given).
    /// </summary>
    public static ShopifyCatalog Create(IEnumerable<string> locationNames, IEnumerable<string> skus)
    {
        ArgumentNullException.ThrowIfNull(locationNames);
        ArgumentNullException.ThrowIfNull(skus);
        var locations = locationNames.Select((name, i) => new ShopifyCatalogLocation(LocationIdBase + i + 1, name)).ToList();
        var variants = skus.Select((sku, i) => new ShopifyCatalogVariant(
            sku, VariantIdBase + i + 1, InventoryItemIdBase + i + 1, ProductIdBase + i + 1, $"Product {sku}")).ToList();
        return new ShopifyCatalog(locations, variants);
    }

    /// <summary>
    /// The shop an Odoo database implies: one location per active <c>stock_warehouse</c> (named as the warehouse, in id
    /// order, id <see cref="LocationIdBase"/> + warehouse id), one product per active product template with at least one
    /// SKU'd storable variant (id <see cref="ProductIdBase"/> + template id) and one variant and tracked inventory item
    /// per active storable <c>product_product</c> with a <c>default_code</c> (variant id <see cref="VariantIdBase"/> +
    /// product id, item id <see cref="InventoryItemIdBase"/> + product id; SKU = default_code; price = the template's
    /// list_price when set).
    /// </summary>
    public static async Task<ShopifyCatalog> FromOdooAsync(NpgsqlConnection odoo, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(odoo);
        var locations = new List<ShopifyCatalogLocation>();
        await using (var command = new NpgsqlCommand("SELECT id, name FROM stock_warehouse WHERE active IS TRUE ORDER BY id", odoo))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                locations.Add(new ShopifyCatalogLocation(LocationIdBase + reader.GetInt32(0), reader.GetString(1)));
            }
        }

        const string variantsSql = """
            SELECT p.id, p.default_code, t.id, coalesce(t.name->>'en_US', t.name::text),
                   count(*) OVER (PARTITION BY t.id), t.list_price
            FROM product_product p
            JOIN product_template t ON t.id = p.product_tmpl_id
            WHERE p.active IS TRUE AND p.default_code IS NOT NULL AND t.type = 'product'
            ORDER BY p.id
            """;
        var variants = new List<ShopifyCatalogVariant>();
        await using (var command = new NpgsqlCommand(variantsSql, odoo))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var productId = reader.GetInt32(0);
                var sku = reader.GetString(1);
                var single = reader.GetInt64(4) == 1;
                variants.Add(new ShopifyCatalogVariant(
                    sku,
                    VariantIdBase + productId,
                    InventoryItemIdBase + productId,
                    ProductIdBase + reader.GetInt32(2),
                    reader.GetString(3),
                    single ? ShopifyCatalogVariant.DefaultTitle : sku,
                    Price: await reader.IsDBNullAsync(5, ct) ? null : reader.GetDecimal(5)));
            }
        }

        return new ShopifyCatalog(locations, variants);
    }
}

/// <summary>Shopify's global ids: <c>gid://shopify/Type/123</c>.</summary>
public static class ShopifyGid
{
    public static string Location(long id) => $"gid://shopify/Location/{id}";

    public static string InventoryItem(long id) => $"gid://shopify/InventoryItem/{id}";

    public static string ProductVariant(long id) => $"gid://shopify/ProductVariant/{id}";

    public static string Product(long id) => $"gid://shopify/Product/{id}";

    public static string Order(long id) => $"gid://shopify/Order/{id}";

    public static string InventoryAdjustmentGroup(long id) => $"gid://shopify/InventoryAdjustmentGroup/{id}";

    public static string InventoryLevel(long locationId, long itemId) => $"gid://shopify/InventoryLevel/{locationId}?inventory_item_id={itemId}";

    /// <summary>The numeric id of a GID of the given type, or null when <paramref name="gid"/> is not one.</summary>
    public static long? TryParse(string? gid, string type)
    {
        if (gid is null)
        {
            return null;
        }

        var prefix = $"gid://shopify/{type}/";
        if (!gid.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = gid.AsSpan(prefix.Length);
        var query = rest.IndexOf('?');
        if (query >= 0)
        {
            rest = rest[..query];
        }

        return long.TryParse(rest, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
    }
}
