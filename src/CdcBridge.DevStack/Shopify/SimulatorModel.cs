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

/// <summary>A simulated order placed through <c>POST /_sim/orders</c>.</summary>
public sealed record ShopifySimOrder(
    long Id,
    string Name,
    string? Email,
    long LocationId,
    IReadOnlyList<ShopifySimOrderLine> Lines,
    DateTimeOffset CreatedAt)
{
    public string AdminGraphqlApiId => ShopifyGid.Order(Id);
}

public sealed record ShopifySimOrderLine(string Sku, long InventoryItemId, int Quantity);

public sealed class ShopifyOrderPlacedEventArgs(ShopifySimOrder order) : EventArgs
{
    public ShopifySimOrder Order { get; } = order;
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
public sealed record ShopifySimOrderRequest(string? Email, IReadOnlyList<ShopifySimOrderRequestLine> Lines, string? LocationId = null);

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
