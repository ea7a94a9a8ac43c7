using System.Globalization;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Orders.Ledger;

namespace CdcBridge.Inventory.Tests;

/// <summary>A shopper's order in the Shopify simulator as the test placed it, and what became of it.</summary>
internal sealed class ShopperOrder(ShopifySimOrder order, bool withoutSku, int round)
{
    public ShopifySimOrder Order { get; } = order;

    /// <summary>Its webhooks carry <c>sku: null</c>: the writer finds the SKUs through the variants (Shopify's Admin API).</summary>
    public bool WithoutSku { get; } = withoutSku;

    /// <summary>The round it was placed in.</summary>
    public int Round { get; } = round;

    public bool Cancelled { get; set; }

    /// <summary>How the test treated it: <see cref="Shoppers.Placed"/> or one of the cancellations.</summary>
    public string How { get; set; } = Shoppers.Placed;
}

/// <summary>
/// The random operations of <see cref="AvailabilityThroughOrderIntakeTests"/>: shoppers' orders in the Shopify simulator
/// (1–3 work products, with duplicated, delayed or SKU-less webhooks), cancellations in the simulator (before the order
/// can reach Odoo, whenever, or once the ledger says it was written), and Odoo's own operations from
/// <see cref="PropertyWorld.OdooOperationAsync"/>. Every choice comes from the seeded generator and the test's own list
/// of orders; only the waits for the writer depend on time.
/// </summary>
internal sealed class Shoppers(PropertyRandom rng, AvailabilityPipeline pipeline, OrderIntakePath path, PropertyWorld world)
{
    public const string Placed = "open";

    /// <summary>Its orders/create delayed by seconds and cancelled at once: orders/cancelled reaches the intake first.</summary>
    public const string CancelledUnwritten = "cancelled before its orders/create arrived";

    /// <summary>Cancelled at a random moment: before or after the writer got to it.</summary>
    public const string CancelledAnyTime = "cancelled whenever";

    public const string CancelledAfterWritten = "cancelled after it was written";

    private readonly List<ShopperOrder> _orders = [];
    private readonly List<string> _log = [];

    public IReadOnlyList<ShopperOrder> Orders => _orders;

    public IReadOnlyList<string> Log => _log;

    /// <summary>The round run last.</summary>
    public int Round { get; private set; }

    /// <summary>Whether the round run last had the writer paused.</summary>
    public bool Paused { get; private set; }

    /// <summary>Whether the order is one the writer could not take yet: placed in the last round, which ran with the writer paused.</summary>
    public bool Unwritable(ShopperOrder order) => Paused && order.Round == Round;

    public async Task RunAsync(int round, int count, bool paused, CancellationToken ct)
    {
        Round = round;
        Paused = paused;
        List<(string Kind, int Weight)> kinds = [("order", 10), ("odoo", 9), ("cancel-unwritten", 1), ("cancel-any", 1)];
        if (!paused)
        {
            kinds.Add(("cancel-written", 1));
        }

        for (var i = 0; i < count; i++)
        {
            var label = $"r{round}.{i:D2}";
            var line = rng.Weighted(kinds) switch
            {
                "order" => Place(Controls()),
                "odoo" => await world.OdooOperationAsync("Odoo:", ct),
                "cancel-unwritten" => CancelUnwritten(),
                "cancel-any" => Cancel(Pick(), CancelledAnyTime),
                _ => await CancelWrittenAsync(ct),
            };
            _log.Add($"{label} {line}");
        }
    }

    private string Place(ShopifySimWebhookControls controls)
    {
        var products = new List<PropertyWorld.WorkProduct>();
        var wanted = rng.Weighted([(1, 6), (2, 3), (3, 1)]);
        while (products.Count < wanted)
        {
            var product = rng.Pick(world.Products);
            if (!products.Contains(product))
            {
                products.Add(product);
            }
        }

        var lines = products.Select(p => new ShopifySimOrderRequestLine(p.Sku, rng.Next(1, 5))).ToList();
        var email = $"shopper{rng.Next(4)}@example.com";
        var order = pipeline.Shopify.PlaceOrder(new ShopifySimOrderRequest(email, lines, pipeline.WarehouseLocationId.ToString(CultureInfo.InvariantCulture))
        {
            Webhook = controls,
        });
        _orders.Add(new ShopperOrder(order, controls.WithoutSku, Round));
        return $"Shopify order {order.Name} ({order.Id}) by {email}: {string.Join(" + ", order.Lines.Select(l => $"{l.Quantity} {l.Sku}"))}{Describe(controls)}";
    }

    private string CancelUnwritten()
    {
        var controls = Controls() with { DelayMs = rng.Next(1_500, 3_000) };
        var placed = Place(controls);
        return $"{placed}; {Cancel(_orders[^1], CancelledUnwritten)}";
    }

    private string Cancel(ShopperOrder? order, string how)
    {
        if (order is null)
        {
            return "(no open order to cancel)";
        }

        var controls = Controls() with { DelayMs = rng.Chance(0.2) ? rng.Next(50, 1_000) : 0 };
        pipeline.Shopify.CancelOrder(order.Order.Id, new ShopifySimCancelRequest { Restock = true, Webhook = controls });
        order.Cancelled = true;
        order.How = how;
        return $"Shopify order {order.Order.Name} ({order.Order.Id}) {how}{Describe(controls)}";
    }

    /// <summary>Waits until the ledger says the writer wrote the order (its sale order confirmed in Odoo), then cancels it.</summary>
    private async Task<string> CancelWrittenAsync(CancellationToken ct)
    {
        var order = Pick();
        if (order is null)
        {
            return "(no open order to cancel)";
        }

        var row = await path.WaitForLedgerAsync(order.Order.Id, r => r is { Status: OrderStatus.Written or OrderStatus.Parked }, TimeSpan.FromSeconds(60), ct);
        if (row is not { Status: OrderStatus.Written })
        {
            throw new InvalidOperationException($"Order {order.Order.Name} ({order.Order.Id}) was not written within 60 s: ledger {row?.Status ?? "none"} {row?.ParkReason} {row?.LastError}");
        }

        return Cancel(order, CancelledAfterWritten) + $" (Odoo sale order {row.SaleOrderId})";
    }

    /// <summary>A random open order; with the writer paused, one placed in this round (the earlier ones are in Odoo and would stay there).</summary>
    private ShopperOrder? Pick()
    {
        var candidates = _orders.Where(o => !o.Cancelled && (!Paused || o.Round == Round)).ToList();
        return candidates.Count == 0 ? null : rng.Pick(candidates);
    }

    private ShopifySimWebhookControls Controls() => new()
    {
        Duplicates = rng.Chance(0.2) ? rng.Next(1, 3) : 0,
        DelayMs = rng.Chance(0.2) ? rng.Next(50, 2_000) : 0,
        WithoutSku = rng.Chance(0.2),
    };

    private static string Describe(ShopifySimWebhookControls c) =>
        (c.Duplicates > 0 ? $", webhook sent {c.Duplicates + 1} times" : "") + (c.DelayMs > 0 ? $", webhook delayed {c.DelayMs} ms" : "") + (c.WithoutSku ? ", lines without SKU" : "");
}
