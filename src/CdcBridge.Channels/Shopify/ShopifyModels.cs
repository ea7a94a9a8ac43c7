using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace CdcBridge.Channels.Shopify;

public sealed record ShopifyLocation(long Id, string Gid, string Name, bool IsActive, bool FulfillsOnlineOrders);

/// <summary>A variant found by its exact SKU, with its inventory item.</summary>
public sealed record ShopifyVariantRef(string Sku, long VariantId, string VariantGid, long InventoryItemId, string InventoryItemGid, bool Tracked);

/// <summary>One inventory level's quantities at a location.</summary>
public readonly record struct ShopifyLevel(long Available, long OnHand, long Committed);

/// <summary>
/// The result of a SKU lookup: SKU → variant for SKUs found on exactly one variant (exact, case-sensitive match).
/// SKUs not found are absent; SKUs found on several variants are absent too and listed in <see cref="Ambiguous"/>
/// (never guessed).
/// </summary>
public sealed class ShopifyVariantDictionary(
    IReadOnlyDictionary<string, ShopifyVariantRef> found,
    IReadOnlyDictionary<string, IReadOnlyList<ShopifyVariantRef>> ambiguous) : IReadOnlyDictionary<string, ShopifyVariantRef>
{
    public IReadOnlyDictionary<string, IReadOnlyList<ShopifyVariantRef>> Ambiguous { get; } = ambiguous;

    public ShopifyVariantRef this[string key] => found[key];

    public IEnumerable<string> Keys => found.Keys;

    public IEnumerable<ShopifyVariantRef> Values => found.Values;

    public int Count => found.Count;

    public bool ContainsKey(string key) => found.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out ShopifyVariantRef value) => found.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, ShopifyVariantRef>> GetEnumerator() => found.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One entry of an inventorySetQuantities call. A null <see cref="ChangeFromQuantity"/> skips Shopify's compare-and-swap.</summary>
public sealed record SetQuantityEntry(long InventoryItemId, long LocationId, int Quantity, int? ChangeFromQuantity);

/// <summary>
/// One inventorySetQuantities call: <see cref="Name"/> <c>on_hand</c> or <c>available</c>, one of Shopify's reasons
/// (e.g. <c>correction</c>), a reference document URI (e.g. <c>gid://cdcbridge/StockSync/42</c>), the idempotency key
/// (the same for every retry of this call, a new one for every distinct call) and 1 to 250 entries.
/// </summary>
public sealed record SetQuantitiesRequest(
    string Name,
    string Reason,
    string? ReferenceDocumentUri,
    string IdempotencyKey,
    IReadOnlyList<SetQuantityEntry> Quantities)
{
    public const int MaxQuantities = 250;

    public void Validate()
    {
        if (Name is not ("on_hand" or "available"))
        {
            throw new ArgumentException($"Name must be 'on_hand' or 'available', not '{Name}'.", nameof(Name));
        }

        if (string.IsNullOrWhiteSpace(Reason))
        {
            throw new ArgumentException("A reason is required (e.g. 'correction').", nameof(Reason));
        }

        if (string.IsNullOrWhiteSpace(IdempotencyKey))
        {
            throw new ArgumentException("An idempotency key is required.", nameof(IdempotencyKey));
        }

        if (Quantities is null || Quantities.Count is 0 or > MaxQuantities)
        {
            throw new ArgumentException($"A call sets 1 to {MaxQuantities} quantities, not {Quantities?.Count ?? 0}.", nameof(Quantities));
        }
    }
}

public enum SetQuantitiesResult
{
    /// <summary>Shopify changed something: an adjustment group with its changes.</summary>
    Applied,

    /// <summary>Every entry already had its target value: no group, no error.</summary>
    NoOp,

    /// <summary>User errors: nothing was applied (all or nothing).</summary>
    Rejected,
}

/// <summary>A user error; <see cref="QuantityIndex"/> is the entry it points at (field <c>input.quantities.i...</c>), if any.</summary>
public sealed record ShopifyUserError(string? Code, IReadOnlyList<string>? Field, string Message, int? QuantityIndex);

public sealed record ShopifyQuantityChange(string Name, int Delta, long InventoryItemId, long LocationId);

public sealed record SetQuantitiesOutcome(
    SetQuantitiesResult Result,
    string? AdjustmentGroupId,
    IReadOnlyList<ShopifyQuantityChange> Changes,
    IReadOnlyList<ShopifyUserError> UserErrors)
{
    /// <summary>Indices of the entries rejected as stale (CHANGE_FROM_QUANTITY_STALE).</summary>
    public IReadOnlyList<int> StaleEntries =>
        UserErrors.Where(e => e.Code == "CHANGE_FROM_QUANTITY_STALE" && e.QuantityIndex is not null).Select(e => e.QuantityIndex!.Value).Distinct().Order().ToList();
}

/// <summary>What <c>extensions.cost.throttleStatus</c> last said.</summary>
public readonly record struct ShopifyThrottleStatus(double MaximumAvailable, double CurrentlyAvailable, double RestoreRate);

/// <summary>For the status view: the client's counters and the last throttle status it saw.</summary>
public sealed record ShopifyClientSnapshot(
    string ShopDomain,
    ShopifyThrottleStatus? LastThrottleStatus,
    DateTimeOffset? LastThrottleStatusAt,
    double EstimatedAvailableNow,
    long Calls,
    double CostUsed,
    long Throttled,
    long Retries,
    long Failures,
    TimeSpan PacingWait);
