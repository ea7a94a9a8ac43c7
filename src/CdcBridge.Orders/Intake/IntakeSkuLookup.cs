using CdcBridge.Orders.Writer;
using Microsoft.Extensions.Logging;
using static CdcBridge.Orders.OrdersMetrics;

namespace CdcBridge.Orders.Intake;

/// <summary>
/// Fills <c>resolved_sku</c> on the line items that came without SKU (Shopify sends <c>sku: null</c> for a variant
/// without one, and for orders placed before the SKU was set) by asking Shopify for the variant's SKU, so that such a
/// line counts against what other stores can sell from the moment the order is accepted, not only once Odoo holds it.
/// The lookup shares one budget per delivery, well inside Shopify's 5 s: a slow or failing Shopify leaves the field
/// null and the order is accepted all the same (the writer asks again), because losing an order is worse than counting
/// a line late.
/// </summary>
internal sealed partial class IntakeSkuLookup(IVariantSkuResolver resolver, TimeSpan budget, ILogger logger)
{
    public static class Outcomes
    {
        public const string Resolved = "resolved";
        public const string None = "none";
        public const string Failed = "failed";
        public const string Timeout = "timeout";
    }

    /// <summary>Looks up every line of <paramref name="record"/> (a canonical order) with an empty sku and a variant id.</summary>
    public async Task FillAsync(Dictionary<string, object?> record, CancellationToken ct)
    {
        var lines = ((IEnumerable<object?>)record["line_items"]!).OfType<Dictionary<string, object?>>()
            .Where(l => string.IsNullOrEmpty(l["sku"] as string) && l["variant_id"] is long)
            .ToList();
        if (lines.Count == 0)
        {
            return;
        }

        var shop = (string)record["shop_domain"]!;
        var orderId = (long)record["order_id"]!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(budget);
        foreach (var line in lines)
        {
            var variantId = (long)line["variant_id"]!;
            string outcome;
            try
            {
                var sku = await resolver.SkuOfVariantAsync(shop, variantId, deadline.Token);
                line["resolved_sku"] = sku is { Length: > 0 } ? sku : null;
                outcome = sku is { Length: > 0 } ? Outcomes.Resolved : Outcomes.None;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                outcome = Outcomes.Timeout;
                LogUnresolved(logger, shop, orderId, variantId, $"no answer within {budget.TotalMilliseconds:F0} ms");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever Shopify or the network did, the order itself must still be accepted.
                outcome = Outcomes.Failed;
                LogUnresolved(logger, shop, orderId, variantId, e.Message);
            }

            IntakeSkuLookups.Add(1, new KeyValuePair<string, object?>(Tags.Outcome, outcome));
            if (outcome == Outcomes.Timeout)
            {
                // The budget is spent; the remaining lines stay unresolved for the writer.
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} from {Shop}: the SKU of variant {VariantId} could not be looked up at intake ({Reason}); the line counts against availability once Odoo holds the order")]
    private static partial void LogUnresolved(ILogger logger, string shop, long orderId, long variantId, string reason);
}
