using CdcBridge.Channels.Shopify;
using CdcBridge.Host.Commands;
using CdcBridge.Host.Configuration;
using CdcBridge.Inventory;

namespace CdcBridge.Host.Sidecar;

/// <summary>Asks each configured store for its locations and maps the configuration's names or ids onto them.</summary>
internal static class ConfiguredStores
{
    public static async Task<IReadOnlyList<ShopifyStoreSettings>> ResolveAsync(IReadOnlyList<ConfiguredStore> stores, HttpClient http, CancellationToken ct)
    {
        var resolved = new List<ShopifyStoreSettings>();
        var errors = new List<string>();
        for (var i = 0; i < stores.Count; i++)
        {
            var (store, plan, section) = stores[i];
            IReadOnlyList<ShopifyLocation> locations;
            try
            {
                locations = await new ShopifyInventoryClient(store, http, new ShopifyClientOptions { Plan = plan, MaxRetries = 2 }).GetLocationsAsync(ct);
            }
            catch (ShopifyApiException e)
            {
                errors.Add($"stores[{i}] ({store.ShopDomain}): could not list its locations: {e.Message}");
                continue;
            }

            var targets = new List<LocationTarget>();
            for (var j = 0; j < section.Locations.Count; j++)
            {
                var wanted = section.Locations[j];
                var match = Find(locations, wanted.Shopify!);
                if (match is null)
                {
                    errors.Add($"stores[{i}].locations[{j}].shopify: {store.ShopDomain} has no location '{wanted.Shopify}' "
                        + $"(it has: {string.Join(", ", locations.Select(l => $"'{l.Name}' ({l.Id})"))})");
                    continue;
                }

                targets.Add(new LocationTarget(match.Id, match.Name, wanted.Warehouses, wanted.OdooLocations)
                {
                    SafetyStock = wanted.SafetyStock ?? section.SafetyStock,
                    SafetyStockBySku = wanted.SafetyStockBySku,
                });
            }

            var target = new StoreTarget(store.ShopDomain, targets, new SkuAssortment(section.Assortment.Include, section.Assortment.Exclude))
            {
                OrderWarehouse = section.OrderWarehouse,
            };
            resolved.Add(new ShopifyStoreSettings(store, target) { Plan = plan, SkuCacheTtl = section.SkuCacheTtl });
        }

        if (errors.Count > 0)
        {
            throw new CliError(string.Join(Environment.NewLine, errors), 2);
        }

        return resolved;
    }

    private static ShopifyLocation? Find(IReadOnlyList<ShopifyLocation> locations, string wanted)
    {
        const string Gid = "gid://shopify/Location/";
        var id = wanted.StartsWith(Gid, StringComparison.Ordinal) ? wanted[Gid.Length..] : wanted;
        return long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? locations.FirstOrDefault(l => l.Id == number)
            : locations.FirstOrDefault(l => string.Equals(l.Name, wanted, StringComparison.Ordinal));
    }
}
