using System.Globalization;
using System.Text;
using CdcBridge.Orders.Ledger;

namespace CdcBridge.Host.Commands;

/// <summary>The Orders part of <c>cdcbridge status</c>: orders per status, parked orders and webhooks with their reasons (never a payload).</summary>
internal static class OrdersReport
{
    private static readonly string[] Order =
        [OrderStatus.Pending, OrderStatus.Written, OrderStatus.CancelPending, OrderStatus.Cancelled, OrderStatus.Skipped, OrderStatus.Parked];

    public static string Format(OrdersStatus status)
    {
        var text = new StringBuilder();
        text.Append("channel orders: ")
            .AppendJoin(", ", Order.Select(s => string.Create(CultureInfo.InvariantCulture, $"{status.Counts.GetValueOrDefault(s)} {s.Replace('_', ' ')}")))
            .AppendLine();
        var parked = status.Counts.GetValueOrDefault(OrderStatus.Parked);
        text.Append(CultureInfo.InvariantCulture, $"parked orders: {parked}");
        text.AppendLine(parked > 0 ? " (fix the cause in Odoo, then 'cdcbridge orders replay ID|NAME...' or '--all')" : "");
        foreach (var p in status.Parked)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {p.Name} ({p.ShopDomain} order {p.OrderId}, {p.Attempts} attempt(s)): {p.ParkReason}").AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"parked webhooks: {status.ParkedWebhookCount}").AppendLine();
        foreach (var w in status.ParkedWebhooks)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {w.ReceivedAt:u} {w.ShopDomain} {w.Topic} {w.WebhookId}: {w.Reason}").AppendLine();
        }

        return text.ToString().TrimEnd();
    }

    public static object? Json(OrdersStatus? status) => status is null ? null : new
    {
        counts = status.Counts,
        parked = status.Parked.Select(p => new { shop = p.ShopDomain, orderId = p.OrderId, name = p.Name, attempts = p.Attempts, reason = p.ParkReason }),
        parkedWebhookCount = status.ParkedWebhookCount,
        parkedWebhooks = status.ParkedWebhooks.Select(w => new { webhookId = w.WebhookId, shop = w.ShopDomain, topic = w.Topic, receivedAt = w.ReceivedAt, reason = w.Reason }),
    };
}
