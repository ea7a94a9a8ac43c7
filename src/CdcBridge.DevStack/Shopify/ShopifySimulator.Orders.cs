using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CdcBridge.DevStack.Shopify;

/// <summary>Orders placed and cancelled as a shopper and a merchant would, each followed by its orders/* webhook.</summary>
public sealed partial class ShopifySimulator
{
    /// <summary>Shopify's cancel reasons (REST <c>reason</c>; GraphQL OrderCancelReason in lower case).</summary>
    private static readonly HashSet<string> CancelReasons = new(["customer", "fraud", "inventory", "declined", "other", "staff"], StringComparer.Ordinal);

    /// <summary>
    /// Cancels an open order as Shopify does: with restock (the default) the committed units go back to available; then,
    /// with a webhook subscription, delivers orders/cancelled (its own webhook and event id). Throws
    /// <see cref="ShopifySimulatorException"/> for an unknown or already cancelled order.
    /// </summary>
    public ShopifySimOrder CancelOrder(long id, ShopifySimCancelRequest? request = null)
    {
        var (cancellation, _) = CancelCore(id, request ?? new ShopifySimCancelRequest());
        return cancellation.Outcome switch
        {
            SimCancelOutcome.Cancelled => cancellation.Order!,
            SimCancelOutcome.NotFound => throw new ShopifySimulatorException(UnknownOrderMessage(id)),
            _ => throw new ShopifySimulatorException(AlreadyCancelledMessage(cancellation.Order!)),
        };
    }

    private (ShopifySimOrder Order, string? WebhookId) PlaceOrderCore(ShopifySimOrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        SimulatorWebhooks.Validate(request.Webhook);
        var order = _state.PlaceOrder(request);
        var webhookId = _webhooks.Trigger(ShopifyWebhookTopics.OrdersCreate, order.Id, withoutSku => OrderResource(order, withoutSku), request.Webhook);
        OrderPlaced?.Invoke(this, new ShopifyOrderPlacedEventArgs(order, webhookId));
        return (order, webhookId);
    }

    private (SimCancellation Cancellation, string? WebhookId) CancelCore(long id, ShopifySimCancelRequest request)
    {
        if (!CancelReasons.Contains(request.Reason ?? ""))
        {
            throw new ShopifySimulatorException($"Unknown cancel reason '{request.Reason}' (one of {string.Join(", ", CancelReasons)}).");
        }

        SimulatorWebhooks.Validate(request.Webhook);
        var cancellation = _state.CancelOrder(id, request.Reason!, request.Restock);
        if (cancellation is not { Outcome: SimCancelOutcome.Cancelled, Order: { } order })
        {
            return (cancellation, null);
        }

        var webhookId = _webhooks.Trigger(ShopifyWebhookTopics.OrdersCancelled, order.Id, withoutSku => OrderResource(order, withoutSku), request.Webhook);
        return (cancellation, webhookId);
    }

    /// <summary>The REST Order resource of an order as it stands (the body of its webhooks).</summary>
    private JsonObject OrderResource(ShopifySimOrder order, bool withoutSku) =>
        ShopifyOrderResource.Build(order, _state.Customer(order.CustomerId), ShopDomain, withoutSku);

    /// <summary>
    /// <c>POST /_sim/orders/{id}/cancel</c> with an optional body <c>{"reason", "restock", "webhook"}</c>: 200
    /// <c>{"order": the REST order, "webhook_id"}</c> (Shopify's REST cancel answers <c>{"order": ...}</c>), 404 for an
    /// unknown order, 422 for an order already cancelled or a bad body.
    /// </summary>
    private async Task CancelOrderAsync(HttpContext context)
    {
        if (!long.TryParse((string?)context.GetRouteValue("id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            await WriteJsonAsync(context, 404, new { errors = "Not Found" });
            return;
        }

        SimCancellation cancellation;
        string? webhookId;
        try
        {
            using var reader = new StreamReader(context.Request.Body);
            var text = await reader.ReadToEndAsync(context.RequestAborted);
            var request = string.IsNullOrWhiteSpace(text)
                ? new ShopifySimCancelRequest()
                : JsonSerializer.Deserialize<ShopifySimCancelRequest>(text, Json) ?? new ShopifySimCancelRequest();
            (cancellation, webhookId) = CancelCore(id, request);
        }
        catch (Exception e) when (e is ShopifySimulatorException or JsonException)
        {
            await WriteJsonAsync(context, 422, new { errors = e.Message });
            return;
        }

        switch (cancellation.Outcome)
        {
            case SimCancelOutcome.NotFound:
                await WriteJsonAsync(context, 404, new { errors = UnknownOrderMessage(id) });
                break;
            case SimCancelOutcome.AlreadyCancelled:
                await WriteJsonAsync(context, 422, new { errors = AlreadyCancelledMessage(cancellation.Order!) });
                break;
            default:
                await WriteRawAsync(context, 200, new JsonObject
                {
                    ["order"] = OrderResource(cancellation.Order!, false),
                    ["webhook_id"] = webhookId,
                }.ToJsonString(Json));
                break;
        }
    }

    private static string UnknownOrderMessage(long id) => $"Unknown order {id.ToString(CultureInfo.InvariantCulture)}.";

    private static string AlreadyCancelledMessage(ShopifySimOrder order) =>
        $"Order {order.Name} ({order.Id.ToString(CultureInfo.InvariantCulture)}) is already cancelled; a cancelled order cannot be cancelled again.";
}
