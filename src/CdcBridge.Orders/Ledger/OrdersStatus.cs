using CdcBridge.Orders.Intake;
using Npgsql;

namespace CdcBridge.Orders.Ledger;

/// <summary>What <c>cdcbridge status</c> shows of the Orders room: orders per status, the newest parked ones with their reasons, parked webhooks.</summary>
public sealed record OrdersStatus(IReadOnlyDictionary<string, long> Counts, IReadOnlyList<LedgerEntry> Parked, long ParkedWebhookCount,
    IReadOnlyList<ParkedWebhook> ParkedWebhooks)
{
    /// <summary>Null when the sidecar database has no Orders tables (the sidecar runs without <c>orders</c>).</summary>
    public static async Task<OrdersStatus?> ReadAsync(NpgsqlConnection connection, int newest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('orders.channel_orders') IS NOT NULL AND to_regclass('orders.parked_webhooks') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                return null;
            }
        }

        return new OrdersStatus(await ChannelOrderLedger.CountsAsync(connection, ct), await ChannelOrderLedger.ParkedAsync(connection, newest, ct),
            await Intake.ParkedWebhooks.CountAsync(connection, ct), await Intake.ParkedWebhooks.ListAsync(connection, newest, ct));
    }
}
