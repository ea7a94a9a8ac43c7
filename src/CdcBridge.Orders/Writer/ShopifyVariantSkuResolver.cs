using System.Collections.Concurrent;
using CdcBridge.Channels.Shopify;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// Asks the shop's Admin GraphQL API for a variant's SKU (<c>productVariant(id:) { sku }</c>, through the store's
/// <see cref="ShopifyInventoryClient"/>, paced by its cost bucket) and remembers the answer per (shop, variant). Only
/// SKUs found are remembered: a variant without one may get it from the merchant, and the order's next attempt must see
/// it. Shopify failures become <see cref="OrderWriteException"/>s, permanent or transient as Shopify's were.
/// </summary>
public sealed class ShopifyVariantSkuResolver : IVariantSkuResolver
{
    private readonly Dictionary<string, ShopifyInventoryClient> _clients;
    private readonly ConcurrentDictionary<(string Shop, long VariantId), string> _cache = new();
    private readonly int _capacity;

    /// <param name="clients">One client per store (matched on <see cref="ShopifyStore.ShopDomain"/>, case-insensitively).</param>
    /// <param name="capacity">Entries remembered before the cache starts over (variants of a shop's best sellers repeat; the rest need not stay).</param>
    public ShopifyVariantSkuResolver(IEnumerable<ShopifyInventoryClient> clients, int capacity = 10_000)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _clients = clients.ToDictionary(c => c.Store.ShopDomain, StringComparer.OrdinalIgnoreCase);
        _capacity = capacity;
    }

    public int Cached => _cache.Count;

    public async Task<string?> SkuOfVariantAsync(string shopDomain, long variantId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(shopDomain);
        var key = (shopDomain.ToLowerInvariant(), variantId);
        if (_cache.TryGetValue(key, out var known))
        {
            return known;
        }

        if (!_clients.TryGetValue(shopDomain, out var client))
        {
            throw new OrderWriteException($"No Shopify store is configured for {shopDomain}, so the SKU of variant {variantId} cannot be looked up.", isPermanent: true);
        }

        string? sku;
        try
        {
            sku = await client.GetVariantSkuAsync(variantId, ct);
        }
        catch (ShopifyApiException e)
        {
            throw new OrderWriteException($"Shopify could not say the SKU of variant {variantId} in {shopDomain}: {e.Message}", isPermanent: e.IsPermanent, e);
        }

        if (sku is not null)
        {
            if (_cache.Count >= _capacity)
            {
                _cache.Clear();
            }

            _cache[key] = sku;
        }

        return sku;
    }
}
