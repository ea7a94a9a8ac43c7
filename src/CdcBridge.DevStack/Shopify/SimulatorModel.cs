namespace CdcBridge.DevStack.Shopify;

/// <summary>
/// One inventory level (an item at a location) with Shopify's quantity states. <c>on_hand</c> = available + committed +
/// reserved + damaged + quality_control + safety_stock; <c>incoming</c> is not on hand.
/// </summary>
internal sealed class SimLevel(long itemId, long locationId)
{
    public long ItemId { get; } = itemId;

    public long LocationId { get; } = locationId;

    public long Available { get; set; }

    public long Committed { get; set; }

    public long Reserved { get; set; }

    public long Damaged { get; set; }

    public long QualityControl { get; set; }

    public long SafetyStock { get; set; }

    public long Incoming { get; set; }

    /// <summary>When <c>available</c> last changed (Shopify reports updatedAt for available only; the others are null).</summary>
    public DateTimeOffset? AvailableUpdatedAt { get; set; }

    public long OnHand => Available + Committed + Reserved + Damaged + QualityControl + SafetyStock;

    public static readonly string[] AllNames = ["available", "on_hand", "committed", "incoming", "reserved", "damaged", "quality_control", "safety_stock"];

    public long? Get(string name) => name switch
    {
        "available" => Available,
        "on_hand" => OnHand,
        "committed" => Committed,
        "incoming" => Incoming,
        "reserved" => Reserved,
        "damaged" => Damaged,
        "quality_control" => QualityControl,
        "safety_stock" => SafetyStock,
        _ => null,
    };

    /// <summary>Adds to a stored state (not on_hand, which is derived).</summary>
    public void Add(string name, long delta)
    {
        switch (name)
        {
            case "available": Available += delta; break;
            case "committed": Committed += delta; break;
            case "incoming": Incoming += delta; break;
            case "reserved": Reserved += delta; break;
            case "damaged": Damaged += delta; break;
            case "quality_control": QualityControl += delta; break;
            case "safety_stock": SafetyStock += delta; break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "Not a stored quantity state.");
        }
    }
}

internal sealed record SimChange(string Name, long Delta, long ItemId, long LocationId, string? LedgerDocumentUri);

internal sealed record SimAdjustmentGroup(long Id, DateTimeOffset CreatedAt, string Reason, string? ReferenceDocumentUri, IReadOnlyList<SimChange> Changes);

internal sealed record SimUserError(IReadOnlyList<string>? Field, string Message, string? Code);

internal enum SimOutcomeKind
{
    Applied,
    NoOp,
    UserErrors,
    Replayed,
}

/// <summary>A mutation's payload (group or user errors) and how it came about.</summary>
internal sealed record SimMutationOutcome(SimAdjustmentGroup? Group, IReadOnlyList<SimUserError> UserErrors, SimOutcomeKind Kind)
{
    public string Describe() => Kind switch
    {
        SimOutcomeKind.Applied => "applied",
        SimOutcomeKind.NoOp => "noop",
        SimOutcomeKind.Replayed => "replayed",
        _ => "userErrors:" + string.Join(',', UserErrors.Select(e => e.Code ?? "null")),
    };
}

/// <summary>
/// A simulated order placed through <c>POST /_sim/orders</c>. Ids are 18-digit numbers above 2^53, as Shopify's (its
/// sample order is 820982911946154508): a client that reads them as doubles loses digits. Money is in
/// <see cref="Currency"/>: <see cref="TotalPrice"/> = <see cref="SubtotalPrice"/> + <see cref="ShippingPrice"/> +
/// <see cref="TotalTax"/> (taxes not included in prices).
/// </summary>
public sealed record ShopifySimOrder(
    long Id,
    string Name,
    string? Email,
    long LocationId,
    IReadOnlyList<ShopifySimOrderLine> Lines,
    DateTimeOffset CreatedAt)
{
    public string AdminGraphqlApiId => ShopifyGid.Order(Id);

    /// <summary>The shop's order number (1001, 1002, ...); <see cref="Name"/> is "#" + it.</summary>
    public int OrderNumber { get; init; }

    /// <summary>The customer the email identifies (one per email in the shop), null for an order without email.</summary>
    public long? CustomerId { get; init; }

    public long ShippingLineId { get; init; }

    public string Currency { get; init; } = SimulatorPricing.Currency;

    public decimal SubtotalPrice => Lines.Sum(l => l.Price * l.Quantity);

    public decimal ShippingPrice { get; init; }

    public decimal TotalTax => Lines.Sum(l => l.Tax);

    public decimal TotalPrice => SubtotalPrice + ShippingPrice + TotalTax;

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>customer, fraud, inventory, declined, other or staff, when cancelled.</summary>
    public string? CancelReason { get; init; }

    /// <summary>Whether the cancellation put the committed units back to available.</summary>
    public bool Restocked { get; init; }
}

/// <summary>One line of a simulated order: the catalog's variant, its unit price and the line's tax.</summary>
public sealed record ShopifySimOrderLine(string Sku, long InventoryItemId, int Quantity)
{
    /// <summary>The line item id (18 digits, above 2^53).</summary>
    public long Id { get; init; }

    public long VariantId { get; init; }

    public long ProductId { get; init; }

    public string ProductTitle { get; init; } = "";

    public string VariantTitle { get; init; } = ShopifyCatalogVariant.DefaultTitle;

    public decimal Price { get; init; }

    public decimal TaxRate { get; init; }

    public decimal Tax { get; init; }
}

public sealed class ShopifyOrderPlacedEventArgs(ShopifySimOrder order, string? webhookId = null) : EventArgs
{
    public ShopifySimOrder Order { get; } = order;

    /// <summary>The orders/create delivery scheduled for the order, null without a webhook subscription.</summary>
    public string? WebhookId { get; } = webhookId;
}

/// <summary>One level as <c>GET /_sim/inventory</c> lists it; ids are GIDs.</summary>
public sealed record ShopifySimInventoryRow(
    string Sku,
    string InventoryItemId,
    string LocationId,
    string LocationName,
    long Available,
    long OnHand,
    long Committed,
    long Reserved,
    long Damaged,
    long QualityControl,
    long SafetyStock,
    long Incoming);

/// <summary>One GraphQL request as the simulator saw it (<c>GET /_sim/requests</c>).</summary>
public sealed record ShopifySimRequest(
    long Seq,
    DateTimeOffset At,
    string ApiVersion,
    string? OperationName,
    IReadOnlyList<string> RootFields,
    int? RequestedCost,
    int? ActualCost,
    bool Throttled,
    double CurrentlyAvailable,
    int HttpStatus,
    string? IdempotencyKey,
    int Quantities,
    string Outcome);

/// <summary>An order as <c>POST /_sim/orders</c> takes it.</summary>
public sealed record ShopifySimOrderRequest(string? Email, IReadOnlyList<ShopifySimOrderRequestLine> Lines, string? LocationId = null)
{
    /// <summary>How its orders/create webhook is delivered (duplicates, a delay, lines without SKU); optional.</summary>
    public ShopifySimWebhookControls? Webhook { get; init; }
}

public sealed record ShopifySimOrderRequestLine(string Sku, int Quantity);

/// <summary>Fault injection, as <c>POST /_sim/faults</c> takes it; every part optional, parts add up.</summary>
public sealed record ShopifySimFaults
{
    public ThrottleStormFault? ThrottleStorm { get; init; }

    public Http5xxFault? Http5xx { get; init; }

    public CountFault? FailAfterApply { get; init; }

    public int? LatencyMs { get; init; }

    public ConcurrentAdjustFault? ConcurrentAdjust { get; init; }
}

public sealed record ThrottleStormFault(double Seconds);

public sealed record Http5xxFault(int Count, int Status = 503);

public sealed record CountFault(int Count);

/// <summary>An adjustment made right now by someone else (another app, an admin); <c>LocationId</c> a GID or a number.</summary>
public sealed record ConcurrentAdjustFault(string Sku, string LocationId, string Name, int Delta);

public sealed class ShopifySimulatorException(string message) : Exception(message);
