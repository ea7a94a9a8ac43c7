using CdcBridge.Inventory.Odoo;

namespace CdcBridge.Inventory;

/// <summary>
/// The Odoo rows availability depends on, held in memory and indexed by product, plus the channel orders of the intake
/// topic. Quants are kept per row but only ever summed by (product, location, …), so Odoo's duplicate, merged and
/// deleted quants add up to the same totals. Done and cancelled moves are dropped unless a sale order line links
/// them to a possible channel order.
/// </summary>
public sealed class InventoryState
{
    private readonly Dictionary<int, HashSet<int>> _quantsByProduct = [];
    private readonly Dictionary<int, HashSet<int>> _movesByProduct = [];
    private readonly Dictionary<int, HashSet<int>> _movesBySaleLine = [];
    private readonly Dictionary<int, HashSet<int>> _linesByOrder = [];
    private readonly Dictionary<string, int> _orderByOrigin = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _productBySku = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<(string, long)>> _channelOrdersBySku = new(StringComparer.Ordinal);

    public Dictionary<int, QuantRow> Quants { get; } = [];

    public Dictionary<int, MoveRow> Moves { get; } = [];

    public Dictionary<int, LocationRow> Locations { get; } = [];

    public Dictionary<int, WarehouseRow> Warehouses { get; } = [];

    public Dictionary<int, ProductRow> Products { get; } = [];

    public Dictionary<int, TemplateRow> Templates { get; } = [];

    public Dictionary<int, SaleOrderRow> SaleOrders { get; } = [];

    public Dictionary<int, SaleLineRow> SaleLines { get; } = [];

    public Dictionary<(string Shop, long OrderId), ChannelOrder> ChannelOrders { get; } = [];

    /// <summary>Bumped whenever locations or warehouses change: the mapped location sets must be resolved again.</summary>
    public int TopologyVersion { get; private set; }

    public IEnumerable<QuantRow> QuantsOf(int productId) =>
        _quantsByProduct.TryGetValue(productId, out var ids) ? ids.Select(id => Quants[id]) : [];

    public IEnumerable<MoveRow> MovesOf(int productId) =>
        _movesByProduct.TryGetValue(productId, out var ids) ? ids.Select(id => Moves[id]) : [];

    public int? ProductBySku(string sku) => _productBySku.TryGetValue(sku, out var id) ? id : null;

    /// <summary>The store whose channel order a move serves (through sale line → sale order → origin), or null.</summary>
    public string? ShopOfMove(MoveRow move) =>
        move.SaleLineId is { } lineId && SaleLines.TryGetValue(lineId, out var line) && SaleOrders.TryGetValue(line.OrderId, out var order)
            ? ChannelOrder.ShopOfOrigin(order.Origin)
            : null;

    /// <summary>
    /// True once Odoo holds the channel order for this product: the sale order with its origin has a not-cancelled move
    /// for the product, or the order was cancelled or finished in Odoo. From then on Odoo's own demand counts instead.
    /// </summary>
    public bool OdooHolds(ChannelOrder order, int productId)
    {
        if (!_orderByOrigin.TryGetValue(order.OdooOrigin, out var saleOrderId) || !SaleOrders.TryGetValue(saleOrderId, out var saleOrder))
        {
            return false;
        }

        if (saleOrder.State is "cancel" or "done")
        {
            return true;
        }

        if (!_linesByOrder.TryGetValue(saleOrderId, out var lines))
        {
            return false;
        }

        foreach (var lineId in lines)
        {
            if (SaleLines.TryGetValue(lineId, out var line) && line.ProductId == productId && _movesBySaleLine.TryGetValue(lineId, out var moves)
                && moves.Any(m => Moves.TryGetValue(m, out var move) && move.State != "cancel"))
            {
                return true;
            }
        }

        return false;
    }

    public void Put(QuantRow row)
    {
        if (Quants.Remove(row.Id, out var old))
        {
            Unindex(_quantsByProduct, old.ProductId, old.Id);
        }

        Quants[row.Id] = row;
        Index(_quantsByProduct, row.ProductId, row.Id);
    }

    public QuantRow? RemoveQuant(int id)
    {
        if (!Quants.Remove(id, out var old))
        {
            return null;
        }

        Unindex(_quantsByProduct, old.ProductId, old.Id);
        return old;
    }

    /// <summary>Keeps a move while it can matter; returns false when the move is dropped (done/cancelled, not a sale's).</summary>
    public bool Put(MoveRow row)
    {
        RemoveMove(row.Id);
        if (row.State is "done" or "cancel" && row.SaleLineId is null)
        {
            return false;
        }

        Moves[row.Id] = row;
        Index(_movesByProduct, row.ProductId, row.Id);
        if (row.SaleLineId is { } line)
        {
            Index(_movesBySaleLine, line, row.Id);
        }

        return true;
    }

    public MoveRow? RemoveMove(int id)
    {
        if (!Moves.Remove(id, out var old))
        {
            return null;
        }

        Unindex(_movesByProduct, old.ProductId, old.Id);
        if (old.SaleLineId is { } line)
        {
            Unindex(_movesBySaleLine, line, old.Id);
        }

        return old;
    }

    public void Put(LocationRow row)
    {
        Locations[row.Id] = row;
        TopologyVersion++;
    }

    public void RemoveLocation(int id)
    {
        Locations.Remove(id);
        TopologyVersion++;
    }

    public void Put(WarehouseRow row)
    {
        Warehouses[row.Id] = row;
        TopologyVersion++;
    }

    public void RemoveWarehouse(int id)
    {
        Warehouses.Remove(id);
        TopologyVersion++;
    }

    public void Put(ProductRow row)
    {
        RemoveProduct(row.Id);
        Products[row.Id] = row;
        if (row.Sku is { Length: > 0 } sku)
        {
            _productBySku[sku] = row.Id;
        }
    }

    public ProductRow? RemoveProduct(int id)
    {
        if (!Products.Remove(id, out var old))
        {
            return null;
        }

        if (old.Sku is { } sku && _productBySku.TryGetValue(sku, out var owner) && owner == id)
        {
            _productBySku.Remove(sku);
        }

        return old;
    }

    public void Put(TemplateRow row) => Templates[row.Id] = row;

    public void Put(SaleOrderRow row)
    {
        RemoveSaleOrder(row.Id);
        SaleOrders[row.Id] = row;
        if (row.Origin is { } origin)
        {
            _orderByOrigin[origin] = row.Id;
        }
    }

    public SaleOrderRow? RemoveSaleOrder(int id)
    {
        if (!SaleOrders.Remove(id, out var old))
        {
            return null;
        }

        if (old.Origin is { } origin && _orderByOrigin.TryGetValue(origin, out var owner) && owner == id)
        {
            _orderByOrigin.Remove(origin);
        }

        return old;
    }

    public void Put(SaleLineRow row)
    {
        RemoveSaleLine(row.Id);
        SaleLines[row.Id] = row;
        Index(_linesByOrder, row.OrderId, row.Id);
    }

    public SaleLineRow? RemoveSaleLine(int id)
    {
        if (!SaleLines.Remove(id, out var old))
        {
            return null;
        }

        Unindex(_linesByOrder, old.OrderId, old.Id);
        return old;
    }

    /// <summary>Products whose moves hang off this sale order (its lines).</summary>
    public IEnumerable<int> ProductsOfSaleOrder(int saleOrderId) =>
        _linesByOrder.TryGetValue(saleOrderId, out var lines)
            ? lines.Select(l => SaleLines.TryGetValue(l, out var line) ? line.ProductId : null).OfType<int>()
            : [];

    /// <summary>Products the lines of a channel order name (by SKU), as far as Odoo knows them.</summary>
    public IEnumerable<int> ProductsOf(ChannelOrder order) =>
        order.Lines.Select(l => l.Sku is { } sku ? ProductBySku(sku) : null).OfType<int>();

    /// <summary>The channel order an Odoo origin (<c>shopify:&lt;shop&gt;:&lt;order id&gt;</c>) names, if the intake topic described it.</summary>
    public ChannelOrder? ChannelOrderOfOrigin(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return ChannelOrder.ShopOfOrigin(origin) is { } shop
            && long.TryParse(origin.AsSpan(origin.LastIndexOf(':') + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            && ChannelOrders.TryGetValue((shop, id), out var order)
            ? order
            : null;
    }

    /// <summary>Not-cancelled or cancelled, the channel orders that have a line with this SKU.</summary>
    public IEnumerable<ChannelOrder> ChannelOrdersWithSku(string sku) =>
        _channelOrdersBySku.TryGetValue(sku, out var keys) ? keys.Select(k => ChannelOrders[k]) : [];

    /// <summary>Keeps the newest description of a channel order (Shopify delivers webhooks out of order); false if older.</summary>
    public bool Put(ChannelOrder order, out ChannelOrder? previous)
    {
        ArgumentNullException.ThrowIfNull(order);
        var key = (order.ShopDomain, order.OrderId);
        if (ChannelOrders.TryGetValue(key, out previous))
        {
            if (previous.UpdatedAt > order.UpdatedAt || (previous.Cancelled && !order.Cancelled && previous.UpdatedAt == order.UpdatedAt))
            {
                return false;
            }

            foreach (var line in previous.Lines)
            {
                if (line.Sku is { } sku && _channelOrdersBySku.TryGetValue(sku, out var set))
                {
                    set.Remove(key);
                }
            }
        }

        ChannelOrders[key] = order;
        foreach (var line in order.Lines)
        {
            if (line.Sku is { Length: > 0 } sku)
            {
                if (!_channelOrdersBySku.TryGetValue(sku, out var set))
                {
                    _channelOrdersBySku[sku] = set = [];
                }

                set.Add(key);
            }
        }

        return true;
    }

    /// <summary>Empties one table (Debezium op 't').</summary>
    public void Truncate(string table)
    {
        switch (table)
        {
            case "stock_quant":
                Quants.Clear();
                _quantsByProduct.Clear();
                break;
            case "stock_move":
                Moves.Clear();
                _movesByProduct.Clear();
                _movesBySaleLine.Clear();
                break;
            case "stock_location":
                Locations.Clear();
                TopologyVersion++;
                break;
            case "stock_warehouse":
                Warehouses.Clear();
                TopologyVersion++;
                break;
            case "product_product":
                Products.Clear();
                _productBySku.Clear();
                break;
            case "product_template":
                Templates.Clear();
                break;
            case "sale_order":
                SaleOrders.Clear();
                _orderByOrigin.Clear();
                break;
            case "sale_order_line":
                SaleLines.Clear();
                _linesByOrder.Clear();
                break;
            default:
                break;
        }
    }

    private static void Index(Dictionary<int, HashSet<int>> index, int key, int id)
    {
        if (!index.TryGetValue(key, out var set))
        {
            index[key] = set = [];
        }

        set.Add(id);
    }

    private static void Unindex(Dictionary<int, HashSet<int>> index, int key, int id)
    {
        if (index.TryGetValue(key, out var set) && set.Remove(id) && set.Count == 0)
        {
            index.Remove(key);
        }
    }
}
