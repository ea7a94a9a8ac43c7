using System.Globalization;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Shopify;

/// <summary>
/// inventorySetQuantities and inventoryAdjustQuantities with the 2026-04 contract. Texts, codes and field paths are the
/// ones Shopify answered in the conformance captures of airhorns/shopify-draft-proxy
/// (graphql-2026-04-inventory-quantity-contracts, -inventorySetQuantities-name-validation, -quantity-bounds,
/// -inventory-reason-validation, -inventoryAdjustQuantities-zero-delta-noop, -inventory-adjust-name-allowlist) or, where
/// marked, the enum descriptions of shopify.dev's InventoryAdjustQuantitiesUserErrorCode / InventorySetQuantitiesUserErrorCode.
/// Both are all-or-nothing: any user error and nothing is applied.
/// </summary>
internal sealed partial class SimulatorState
{
    public static readonly string[] Reasons =
    [
        "correction", "cycle_count_available", "damaged", "movement_canceled", "movement_created", "movement_received",
        "movement_updated", "other", "promotion", "quality_control", "received", "reservation_created", "reservation_deleted",
        "reservation_updated", "restock", "safety_stock", "shrinkage",
    ];

    public static readonly string[] AdjustableNames = ["available", "damaged", "incoming", "quality_control", "reserved", "safety_stock"];

    public const string InvalidReasonMessage =
        "The specified reason is invalid. Valid values are: correction, cycle_count_available, damaged, movement_canceled, movement_created, "
        + "movement_received, movement_updated, other, promotion, quality_control, received, reservation_created, reservation_deleted, "
        + "reservation_updated, restock, safety_stock, shrinkage.";

    public const string InvalidSetNameMessage = "The quantity name must be either 'available' or 'on_hand'.";

    public const string InvalidAdjustNameMessage =
        "The specified quantity name is invalid. Valid values are: available, damaged, incoming, quality_control, reserved, safety_stock.";

    public const string SetStaleMessage = "The changeFromQuantity value does not match persisted value.";

    // shopify.dev enum description (InventoryAdjustQuantitiesUserErrorCode.CHANGE_FROM_QUANTITY_STALE, 2026-01).
    public const string AdjustStaleMessage = "The changeFromQuantity argument no longer matches the persisted quantity.";

    private const long Limit = 1_000_000_000;

    /// <summary>Names whose units are on hand: changing one moves on_hand by the same delta.</summary>
    private static bool IsOnHandPart(string name) => name is "available" or "reserved" or "damaged" or "quality_control" or "safety_stock" or "committed";

    public SimMutationOutcome SetQuantities(JsonObject input)
    {
        var errors = new List<SimUserError>();
        var name = Text(input, "name");
        var reason = Text(input, "reason");
        var reference = Text(input, "referenceDocumentUri");
        if (name is not ("available" or "on_hand"))
        {
            errors.Add(new SimUserError(["input", "name"], InvalidSetNameMessage, "INVALID_NAME"));
        }

        if (!Reasons.Contains(reason))
        {
            errors.Add(new SimUserError(["input", "reason"], InvalidReasonMessage, "INVALID_REASON"));
        }

        if (reference is not null && !IsUri(reference))
        {
            // shopify.dev enum description (INVALID_REFERENCE_DOCUMENT); not captured.
            errors.Add(new SimUserError(["input", "referenceDocumentUri"], "The specified reference document is invalid.", "INVALID_REFERENCE_DOCUMENT"));
        }

        var entries = (JsonArray)input["quantities"]!;
        var parsed = new List<(long? Item, long? Location, long Quantity, long? ChangeFrom, string ItemGid, string LocationGid)>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = (JsonObject)entries[i]!;
            var itemGid = Text(entry, "inventoryItemId")!;
            var locationGid = Text(entry, "locationId")!;
            var item = ShopifyGid.TryParse(itemGid, "InventoryItem") is { } itemId && _variantsByItem.ContainsKey(itemId) ? itemId : (long?)null;
            var location = ShopifyGid.TryParse(locationGid, "Location") is { } locationId && _locationsById.ContainsKey(locationId) ? locationId : (long?)null;
            var quantity = entry["quantity"]!.GetValue<long>();
            var changeFrom = entry["changeFromQuantity"]?.GetValue<long>();
            var at = i.ToString(CultureInfo.InvariantCulture);
            if (item is null)
            {
                errors.Add(new SimUserError(["input", "quantities", at, "inventoryItemId"], "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM"));
            }

            if (location is null)
            {
                errors.Add(new SimUserError(["input", "quantities", at, "locationId"], "The specified location could not be found.", "INVALID_LOCATION"));
            }

            if (quantity > Limit)
            {
                errors.Add(new SimUserError(["input", "quantities", at, "quantity"], "The quantity can't be higher than 1,000,000,000.", "INVALID_QUANTITY_TOO_HIGH"));
            }
            else if (quantity < -Limit)
            {
                errors.Add(new SimUserError(["input", "quantities", at, "quantity"], "The quantity can't be lower than -1,000,000,000.", "INVALID_QUANTITY_TOO_LOW"));
            }
            else if (quantity < 0 && name == "on_hand")
            {
                errors.Add(new SimUserError(["input", "quantities", at, "quantity"], "The quantity can't be negative.", "INVALID_QUANTITY_NEGATIVE"));
            }

            parsed.Add((item, location, quantity, changeFrom, itemGid, locationGid));
        }

        // One error per offending entry, at its locationId.
        var pairs = parsed.GroupBy(p => (p.ItemGid, p.LocationGid)).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        for (var i = 0; i < parsed.Count; i++)
        {
            if (pairs.Contains((parsed[i].ItemGid, parsed[i].LocationGid)))
            {
                errors.Add(new SimUserError(["input", "quantities", i.ToString(CultureInfo.InvariantCulture), "locationId"],
                    "The combination of inventoryItemId and locationId must be unique.", "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"));
            }
        }

        if (errors.Count > 0)
        {
            return new SimMutationOutcome(null, errors, SimOutcomeKind.UserErrors);
        }

        // Compare-and-swap: an integer changeFromQuantity must equal the named quantity's current value; null skips the check.
        for (var i = 0; i < parsed.Count; i++)
        {
            var (item, location, _, changeFrom, _, _) = parsed[i];
            if (changeFrom is { } expected && _levels[(item!.Value, location!.Value)].Get(name!) != expected)
            {
                errors.Add(new SimUserError(["input", "quantities", i.ToString(CultureInfo.InvariantCulture), "changeFromQuantity"], SetStaleMessage, "CHANGE_FROM_QUANTITY_STALE"));
            }
        }

        if (errors.Count > 0)
        {
            return new SimMutationOutcome(null, errors, SimOutcomeKind.UserErrors);
        }

        var now = Now;
        var changes = new List<SimChange>();
        foreach (var (item, location, quantity, _, _, _) in parsed)
        {
            var level = _levels[(item!.Value, location!.Value)];
            var delta = quantity - level.Get(name!)!.Value;
            if (delta == 0)
            {
                continue;
            }

            // Setting available or on_hand moves both by the same delta; committed is untouched.
            level.Available += delta;
            level.AvailableUpdatedAt = now;
            changes.Add(new SimChange("available", delta, level.ItemId, level.LocationId, null));
            changes.Add(new SimChange("on_hand", delta, level.ItemId, level.LocationId, null));
        }

        return changes.Count == 0
            ? new SimMutationOutcome(null, [], SimOutcomeKind.NoOp)
            : new SimMutationOutcome(new SimAdjustmentGroup(NextGroupId(), now, reason!, reference, changes), [], SimOutcomeKind.Applied);
    }

    public SimMutationOutcome AdjustQuantities(JsonObject input)
    {
        var errors = new List<SimUserError>();
        var name = Text(input, "name");
        var reason = Text(input, "reason");
        var reference = Text(input, "referenceDocumentUri");
        if (!AdjustableNames.Contains(name))
        {
            // The capture selected no code; INVALID_QUANTITY_NAME is the enum's value for it.
            errors.Add(new SimUserError(["input", "name"], InvalidAdjustNameMessage, "INVALID_QUANTITY_NAME"));
        }

        if (!Reasons.Contains(reason))
        {
            errors.Add(new SimUserError(["input", "reason"], InvalidReasonMessage, "INVALID_REASON"));
        }

        if (reference is not null && !IsUri(reference))
        {
            errors.Add(new SimUserError(["input", "referenceDocumentUri"], "The specified reference document is invalid.", "INVALID_REFERENCE_DOCUMENT"));
        }

        var entries = (JsonArray)input["changes"]!;
        var parsed = new List<(long Item, long Location, long Delta, long? ChangeFrom, string? Ledger)>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = (JsonObject)entries[i]!;
            var item = ShopifyGid.TryParse(Text(entry, "inventoryItemId"), "InventoryItem") is { } itemId && _variantsByItem.ContainsKey(itemId) ? itemId : (long?)null;
            var location = ShopifyGid.TryParse(Text(entry, "locationId"), "Location") is { } locationId && _locationsById.ContainsKey(locationId) ? locationId : (long?)null;
            var delta = entry["delta"]!.GetValue<long>();
            var changeFrom = entry["changeFromQuantity"]?.GetValue<long>();
            var ledger = Text(entry, "ledgerDocumentUri");
            var at = i.ToString(CultureInfo.InvariantCulture);
            if (item is null)
            {
                errors.Add(new SimUserError(["input", "changes", at, "inventoryItemId"], "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM"));
            }

            if (location is null)
            {
                errors.Add(new SimUserError(["input", "changes", at, "locationId"], "The specified location could not be found.", "INVALID_LOCATION"));
            }

            // Ledger document rules: shopify.dev InventoryChangeInput ("Required for all quantity names except available.
            // Cannot use gid://shopify/* format.") and the enum descriptions for the messages.
            if (name == "available" && ledger is not null)
            {
                errors.Add(new SimUserError(["input", "changes", at, "ledgerDocumentUri"], "A ledger document URI is not allowed when adjusting available.", "INVALID_AVAILABLE_DOCUMENT"));
            }
            else if (name != "available" && AdjustableNames.Contains(name) && ledger is null)
            {
                errors.Add(new SimUserError(["input", "changes", at, "ledgerDocumentUri"], "A ledger document URI is required except when adjusting available.", "INVALID_QUANTITY_DOCUMENT"));
            }
            else if (ledger is not null && ledger.StartsWith("gid://shopify/", StringComparison.Ordinal))
            {
                errors.Add(new SimUserError(["input", "changes", at, "ledgerDocumentUri"], "Internal (gid://shopify/) ledger documents are not allowed to be adjusted via API.", "INTERNAL_LEDGER_DOCUMENT"));
            }
            else if (ledger is not null && !IsUri(ledger))
            {
                errors.Add(new SimUserError(["input", "changes", at, "ledgerDocumentUri"], "The specified ledger document is invalid.", "INVALID_LEDGER_DOCUMENT"));
            }

            parsed.Add((item ?? 0, location ?? 0, delta, changeFrom, ledger));
        }

        if (errors.Count > 0)
        {
            return new SimMutationOutcome(null, errors, SimOutcomeKind.UserErrors);
        }

        for (var i = 0; i < parsed.Count; i++)
        {
            var (item, location, _, changeFrom, _) = parsed[i];
            if (changeFrom is { } expected && _levels[(item, location)].Get(name!) != expected)
            {
                errors.Add(new SimUserError(["input", "changes", i.ToString(CultureInfo.InvariantCulture), "changeFromQuantity"], AdjustStaleMessage, "CHANGE_FROM_QUANTITY_STALE"));
            }
        }

        if (errors.Count > 0)
        {
            return new SimMutationOutcome(null, errors, SimOutcomeKind.UserErrors);
        }

        var now = Now;
        var changes = new List<SimChange>();
        foreach (var (item, location, delta, _, ledger) in parsed)
        {
            if (delta == 0)
            {
                continue;
            }

            var level = _levels[(item, location)];
            level.Add(name!, delta);
            if (name == "available")
            {
                level.AvailableUpdatedAt = now;
            }

            changes.Add(new SimChange(name!, delta, item, location, ledger));
            if (IsOnHandPart(name!))
            {
                changes.Add(new SimChange("on_hand", delta, item, location, null));
            }
        }

        return changes.Count == 0
            ? new SimMutationOutcome(null, [], SimOutcomeKind.NoOp)
            : new SimMutationOutcome(new SimAdjustmentGroup(NextGroupId(), now, reason!, reference, changes), [], SimOutcomeKind.Applied);
    }

    private static string? Text(JsonObject obj, string name) => obj[name] is JsonValue value ? value.GetValue<string>() : null;

    private static bool IsUri(string text) => Uri.TryCreate(text, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Scheme);
}
