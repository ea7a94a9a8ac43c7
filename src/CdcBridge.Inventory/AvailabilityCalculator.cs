using CdcBridge.Inventory.Odoo;

namespace CdcBridge.Inventory;

/// <summary>
/// Computes the policy's inputs and value for a product at every configured store location, from the
/// <see cref="InventoryState"/>. Location sets (the mapped locations with all their internal children) are resolved
/// again whenever Odoo's locations or warehouses change.
/// </summary>
public sealed class AvailabilityCalculator(IReadOnlyList<StoreTarget> stores)
{
    private static readonly HashSet<string> OpenMoveStates = ["waiting", "confirmed", "partially_available", "assigned"];
    private int _resolvedVersion = -1;
    private Dictionary<(string Shop, long Location), Resolved> _resolved = [];

    public IReadOnlyList<StoreTarget> Stores { get; } = stores;

    /// <summary>The value at every location of every store that sells the product; none for products that cannot be sold.</summary>
    public IEnumerable<AvailabilityResult> Compute(InventoryState state, int productId)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Products.TryGetValue(productId, out var product) || product.Sku is not { Length: > 0 } sku || !product.Active
            || !state.Templates.TryGetValue(product.TemplateId, out var template) || template.Type != "product" || !template.Active)
        {
            yield break;
        }

        Resolve(state);
        foreach (var store in Stores)
        {
            if (!store.Assortment.Includes(sku))
            {
                continue;
            }

            foreach (var location in store.Locations)
            {
                var resolved = _resolved[(store.ShopDomain, location.ShopifyLocationId)];
                var inputs = Inputs(state, product, sku, store, location, resolved);
                yield return new AvailabilityResult(new AvailabilityKey(store.ShopDomain, sku, location.ShopifyLocationId), productId, inputs,
                    AvailabilityPolicy.OnHandToPush(inputs), resolved.Roots);
            }
        }
    }

    /// <summary>Every product that any store could sell (for a full recompute).</summary>
    public static IEnumerable<int> SellableProducts(InventoryState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Products.Values.Where(p => p.Sku is { Length: > 0 }).Select(p => p.Id);
    }

    /// <summary>The Odoo location ids that make up a store location's stock (roots with their children).</summary>
    public IReadOnlySet<int> MembersOf(InventoryState state, string shop, long locationId)
    {
        Resolve(state);
        return _resolved[(shop, locationId)].Members;
    }

    private static AvailabilityInputs Inputs(InventoryState state, ProductRow product, string sku, StoreTarget store, LocationTarget location, Resolved resolved)
    {
        decimal onHand = 0, reserved = 0, ownReserved = 0, unreserved = 0, ownShipped = 0, pending = 0;
        foreach (var quant in state.QuantsOf(product.Id))
        {
            if (resolved.Members.Contains(quant.LocationId))
            {
                onHand += quant.Quantity;
                reserved += quant.Reserved;
            }
        }

        foreach (var move in state.MovesOf(product.Id))
        {
            if (!resolved.Members.Contains(move.LocationId) || resolved.Members.Contains(move.LocationDestId))
            {
                continue; // only demand that takes stock out of the mapped locations
            }

            var own = state.ShopOfMove(move) == store.ShopDomain;
            if (OpenMoveStates.Contains(move.State))
            {
                if (own)
                {
                    ownReserved += move.Quantity;
                }
                else
                {
                    unreserved += Math.Max(0m, move.ProductQty - move.Quantity);
                }
            }
            else if (move.State == "done" && own)
            {
                ownShipped += move.ProductQty; // fulfilment in Shopify is not tracked yet: Shopify still counts it committed
            }
        }

        foreach (var order in state.ChannelOrdersWithSku(sku))
        {
            if (order.ShopDomain == store.ShopDomain || order.Cancelled || !resolved.PendingShops.Contains(order.ShopDomain)
                || state.OdooHolds(order, product.Id))
            {
                continue;
            }

            pending += order.Lines.Where(l => l.Sku == sku).Sum(l => (decimal)l.Quantity);
        }

        return new AvailabilityInputs(onHand, reserved, ownReserved, unreserved, pending, ownShipped, location.SafetyStockFor(sku));
    }

    private void Resolve(InventoryState state)
    {
        if (_resolvedVersion == state.TopologyVersion)
        {
            return;
        }

        var resolved = new Dictionary<(string, long), Resolved>();
        var warehousesByCode = state.Warehouses.Values.Where(w => w.Active).GroupBy(w => w.Code).ToDictionary(g => g.Key, g => g.First());
        var locationsByName = state.Locations.Values.Where(l => l.CompleteName is not null).GroupBy(l => l.CompleteName!).ToDictionary(g => g.Key, g => g.First());
        foreach (var store in Stores)
        {
            foreach (var location in store.Locations)
            {
                var roots = new SortedSet<int>();
                foreach (var code in location.OdooWarehouses)
                {
                    if (warehousesByCode.TryGetValue(code, out var warehouse) && warehouse.LotStockId is { } stock)
                    {
                        roots.Add(stock);
                    }
                }

                foreach (var name in location.OdooLocations)
                {
                    if (locationsByName.TryGetValue(name, out var l))
                    {
                        roots.Add(l.Id);
                    }
                }

                var members = Subtree(state, roots);
                var pendingShops = Stores.Where(s => s.ShopDomain != store.ShopDomain
                        && s.EffectiveOrderWarehouse is { } code && warehousesByCode.TryGetValue(code, out var w) && w.LotStockId is { } stockId
                        && members.Contains(stockId))
                    .Select(s => s.ShopDomain).ToHashSet(StringComparer.Ordinal);
                resolved[(store.ShopDomain, location.ShopifyLocationId)] = new Resolved(roots.ToList(), members, pendingShops);
            }
        }

        _resolved = resolved;
        _resolvedVersion = state.TopologyVersion;
    }

    /// <summary>The roots and every internal location under them (Odoo's child_of through parent_path).</summary>
    private static HashSet<int> Subtree(InventoryState state, IEnumerable<int> roots)
    {
        var members = new HashSet<int>();
        foreach (var root in roots)
        {
            if (!state.Locations.TryGetValue(root, out var rootRow) || rootRow.ParentPath is not { } prefix)
            {
                members.Add(root);
                continue;
            }

            foreach (var l in state.Locations.Values)
            {
                if (l.Usage == "internal" && l.ParentPath is { } path && path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    members.Add(l.Id);
                }
            }
        }

        return members;
    }

    private sealed record Resolved(IReadOnlyList<int> Roots, HashSet<int> Members, HashSet<string> PendingShops);
}
