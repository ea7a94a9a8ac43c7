using CdcBridge.Channels.Shopify;
using CdcBridge.DevStack;
using CdcBridge.Inventory;
using Npgsql;

namespace CdcBridge.Host.Sidecar;

/// <summary>
/// The store the embedded stack sells through: the Shopify simulator, each of its locations (named after an Odoo
/// warehouse) fed by that warehouse's stock.
/// </summary>
internal static class DevStores
{
    public static async Task<IReadOnlyList<ShopifyStoreSettings>> FromStackAsync(EmbeddedStack stack, CancellationToken ct)
    {
        var shopify = stack.Endpoints.Shopify ?? throw new InvalidOperationException("The stack runs no Shopify simulator.");
        var store = new ShopifyStore(shopify.ShopDomain, new Uri(shopify.Url), shopify.ApiVersion, shopify.AccessToken);
        var warehouses = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var odoo = new NpgsqlConnection(stack.Endpoints.Postgres.Odoo))
        {
            await odoo.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT name, code FROM stock_warehouse WHERE active", odoo);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                warehouses[reader.GetString(0)] = reader.GetString(1);
            }
        }

        using var http = new HttpClient();
        var locations = await new ShopifyInventoryClient(store, http).GetLocationsAsync(ct);
        var targets = locations.Where(l => warehouses.ContainsKey(l.Name))
            .Select(l => new LocationTarget(l.Id, l.Name, [warehouses[l.Name]], []))
            .ToList();
        return [new ShopifyStoreSettings(store, new StoreTarget(store.ShopDomain, targets, SkuAssortment.All))];
    }
}
