using System.Globalization;
using System.Text;
using CdcBridge.Inventory;

namespace CdcBridge.Host.Commands;

/// <summary>The parked part of <c>cdcbridge status</c>: counts, and the newest entries with their reasons and ids.</summary>
internal static class ParkedReport
{
    public static string Format(ParkedSummary summary)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"shopify outbox: {summary.OutboxDepth} waiting").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"parked projection records: {summary.ProjectionCount}");
        text.AppendLine(summary.ProjectionCount > 0 ? " (fix the cause, then rebuild with a new projection.epoch)" : "");
        foreach (var p in summary.Projection)
        {
            text.Append(CultureInfo.InvariantCulture, $"  #{p.Id} {p.ParkedAt:u} {p.Projector} {p.Topic}[{p.Partition}]@{p.Offset}: {p.Reason}").AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"parked Shopify pushes: {summary.ShopifyCount}");
        text.AppendLine(summary.ShopifyCount > 0 ? " (fix the cause, then 'cdcbridge replay shopify ID...' or '--all')" : "");
        foreach (var p in summary.Shopify)
        {
            text.Append(CultureInfo.InvariantCulture, $"  #{p.Id} {p.ParkedAt:u} {p.ShopDomain} {p.Sku} @ location {p.LocationId} = {p.OnHand}: {p.Code} {p.Reason}").AppendLine();
        }

        return text.ToString().TrimEnd();
    }
}
