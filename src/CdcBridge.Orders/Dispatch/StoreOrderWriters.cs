using CdcBridge.Orders.Writer;

namespace CdcBridge.Orders.Dispatch;

/// <summary>
/// Routes each order to the writer of its store (stores differ in the Odoo warehouse their orders ship from); an order
/// of a store the sidecar does not keep is parked, since no retry can fix it.
/// </summary>
public sealed class StoreOrderWriters(IReadOnlyDictionary<string, IChannelOrderWriter> byShop) : IChannelOrderWriter
{
    public Task<OdooOrderOutcome> WriteAsync(IntakeOrder order, CancellationToken ct) => For(order).WriteAsync(order, ct);

    public Task<OdooOrderOutcome?> CancelAsync(IntakeOrder order, CancellationToken ct) => For(order).CancelAsync(order, ct);

    private IChannelOrderWriter For(IntakeOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return byShop.TryGetValue(order.ShopDomain, out var writer)
            ? writer
            : throw new OrderWriteException($"the store {order.ShopDomain} is not configured (stores[].shopDomain); add it and replay the order", isPermanent: true);
    }
}
