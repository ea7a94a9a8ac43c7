using System.Text.Json.Nodes;
using CdcBridge.Orders.Odoo;
using CdcBridge.Orders.Writer;

namespace CdcBridge.Orders.Dispatch;

/// <summary>
/// A store's Odoo writer whose warehouse (<c>stores[].orderWarehouse</c>, a warehouse code) is looked up in Odoo when the
/// first order needs it, not at start: the sidecar must start and take webhooks while Odoo is down or restarting, and
/// the orders wait in the ledger until it answers. A failed lookup is an <see cref="OrderWriteException"/> like any
/// other Odoo call (transient while Odoo is unreachable; permanent when no warehouse has the code), so the dispatcher
/// retries or parks the order as usual; a found id is kept for the life of the process.
/// </summary>
public sealed class StoreWarehouseWriter(OdooJsonRpcClient odoo, string warehouseCode, Func<int, OdooOrderWriter> writerFor) : IChannelOrderWriter
{
    private OdooOrderWriter? _writer;

    public async Task<OdooOrderOutcome> WriteAsync(IntakeOrder order, CancellationToken ct) => await (await WriterAsync(ct)).WriteAsync(order, ct);

    public async Task<OdooOrderOutcome?> CancelAsync(IntakeOrder order, CancellationToken ct) => await (await WriterAsync(ct)).CancelAsync(order, ct);

    private async Task<OdooOrderWriter> WriterAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _writer) is { } ready)
        {
            return ready;
        }

        // Orders racing here may each look the warehouse up once (a read); the first writer made is the one kept.
        var made = writerFor(await WarehouseIdAsync(ct));
        return Interlocked.CompareExchange(ref _writer, made, null) ?? made;
    }

    private async Task<int> WarehouseIdAsync(CancellationToken ct)
    {
        JsonNode? found;
        try
        {
            found = await odoo.ExecuteKwAsync("stock.warehouse", "search_read", [new JsonArray(new JsonArray("code", "=", warehouseCode))],
                new JsonObject { ["fields"] = new JsonArray("id"), ["limit"] = 1 }, ct);
        }
        catch (OdooFaultException e)
        {
            throw new OrderWriteException($"Odoo {(e.IsTransient ? "was unavailable for" : "refused")} the lookup of warehouse '{warehouseCode}': {e.Message}",
                isPermanent: !e.IsTransient, e);
        }

        return found is JsonArray { Count: 1 } rows && rows[0]?["id"] is JsonValue id && id.TryGetValue<int>(out var warehouseId)
            ? warehouseId
            : throw new OrderWriteException(
                $"Odoo has no warehouse with the code '{warehouseCode}' (stores[].orderWarehouse): fix the configuration or create it, then replay the order",
                isPermanent: true);
    }
}
