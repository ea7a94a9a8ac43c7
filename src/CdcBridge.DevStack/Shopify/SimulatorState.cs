using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Shopify;

/// <summary>
/// The shop's state: catalog indexes, inventory levels, adjustment groups, idempotency keys and orders, all behind one
/// lock (a simulator: correct before fast, and a set call is a few dictionary look-ups).
/// </summary>
internal sealed partial class SimulatorState
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _keyRetention;
    private readonly Dictionary<long, ShopifyCatalogLocation> _locationsById;
    private readonly Dictionary<long, ShopifyCatalogVariant> _variantsByItem;
    private readonly Dictionary<string, List<ShopifyCatalogVariant>> _variantsBySku = new(StringComparer.Ordinal);
    private readonly Dictionary<(long Item, long Location), SimLevel> _levels = [];
    private readonly Dictionary<string, (string Parameters, SimMutationOutcome Outcome, DateTimeOffset At)> _keys = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset At)> _keyExpiry = new();
    private long _nextGroupId = 54_640_716_251_442;

    public SimulatorState(string shopDomain, ShopifyCatalog catalog, TimeProvider time, TimeSpan keyRetention)
    {
        ShopDomain = shopDomain;
        _time = time;
        _keyRetention = keyRetention;
        Locations = [.. catalog.Locations.OrderBy(l => l.Id)];
        Variants = [.. catalog.Variants.OrderBy(v => v.VariantId)];
        ItemIds = [.. catalog.Variants.Select(v => v.InventoryItemId).Order()];
        _locationsById = catalog.Locations.ToDictionary(l => l.Id);
        _variantsByItem = catalog.Variants.ToDictionary(v => v.InventoryItemId);
        foreach (var variant in catalog.Variants)
        {
            if (!_variantsBySku.TryGetValue(variant.Sku, out var list))
            {
                _variantsBySku[variant.Sku] = list = [];
            }

            list.Add(variant);
            foreach (var location in catalog.Locations)
            {
                _levels[(variant.InventoryItemId, location.Id)] = new SimLevel(variant.InventoryItemId, location.Id);
            }
        }
    }

    public string ShopDomain { get; }

    /// <summary>Locations in id order (the catalog's order for both catalog builders).</summary>
    public IReadOnlyList<ShopifyCatalogLocation> Locations { get; }

    /// <summary>Variants in variant id order (the order of productVariants pages).</summary>
    public IReadOnlyList<ShopifyCatalogVariant> Variants { get; }

    /// <summary>Item ids in ascending order (the order of a location's inventoryLevels pages).</summary>
    public long[] ItemIds { get; }

    public object Gate => _gate;

    public DateTimeOffset Now => _time.GetUtcNow();

    public ShopifyCatalogLocation? Location(long id) => _locationsById.GetValueOrDefault(id);

    public ShopifyCatalogVariant? VariantOfItem(long itemId) => _variantsByItem.GetValueOrDefault(itemId);

    public SimLevel? Level(long itemId, long locationId) => _levels.GetValueOrDefault((itemId, locationId));

    public IReadOnlyList<ShopifySimInventoryRow> Inventory(string? sku)
    {
        lock (_gate)
        {
            var rows = new List<ShopifySimInventoryRow>();
            var variants = sku is null ? Variants : (IReadOnlyList<ShopifyCatalogVariant>?)_variantsBySku.GetValueOrDefault(sku) ?? [];
            foreach (var variant in variants)
            {
                foreach (var location in Locations)
                {
                    var level = _levels[(variant.InventoryItemId, location.Id)];
                    rows.Add(new ShopifySimInventoryRow(variant.Sku, ShopifyGid.InventoryItem(variant.InventoryItemId), location.Gid, location.Name,
                        level.Available, level.OnHand, level.Committed, level.Reserved, level.Damaged, level.QualityControl, level.SafetyStock, level.Incoming));
                }
            }

            return rows;
        }
    }

    /// <summary>An adjustment by "someone else" right now: <c>available</c> or <c>on_hand</c> (both move available), or another stored state.</summary>
    public ShopifySimInventoryRow AdjustNow(string sku, string location, string name, int delta)
    {
        lock (_gate)
        {
            var variant = SingleVariant(sku);
            var locationId = ParseLocation(location) ?? throw new ShopifySimulatorException($"Unknown location '{location}'.");
            var level = _levels[(variant.InventoryItemId, locationId)];
            switch (name)
            {
                case "available":
                case "on_hand":
                    level.Available += delta;
                    level.AvailableUpdatedAt = Now;
                    break;
                case "committed" or "incoming" or "reserved" or "damaged" or "quality_control" or "safety_stock":
                    level.Add(name, delta);
                    break;
                default:
                    throw new ShopifySimulatorException($"Unknown quantity name '{name}'.");
            }

            var loc = _locationsById[locationId];
            return new ShopifySimInventoryRow(variant.Sku, ShopifyGid.InventoryItem(variant.InventoryItemId), loc.Gid, loc.Name,
                level.Available, level.OnHand, level.Committed, level.Reserved, level.Damaged, level.QualityControl, level.SafetyStock, level.Incoming);
        }
    }

    private ShopifyCatalogVariant SingleVariant(string sku)
    {
        if (!_variantsBySku.TryGetValue(sku, out var variants))
        {
            throw new ShopifySimulatorException($"Unknown SKU '{sku}'.");
        }

        if (variants.Count > 1)
        {
            throw new ShopifySimulatorException($"SKU '{sku}' is on {variants.Count} variants.");
        }

        return variants[0];
    }

    private long? ParseLocation(string location)
    {
        var id = ShopifyGid.TryParse(location, "Location")
            ?? (long.TryParse(location, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null);
        return id is { } value && _locationsById.ContainsKey(value) ? value : null;
    }

    /// <summary>
    /// Runs a mutation under the lock with Shopify's idempotency: a known key with the same parameters answers the stored
    /// outcome again (nothing applied twice); a known key with other parameters is a user error; an unknown key runs
    /// <paramref name="apply"/> and keeps its outcome (user errors included) for the retention period.
    /// </summary>
    public SimMutationOutcome Idempotent(string key, string rootField, JsonObject arguments, Func<SimMutationOutcome> apply)
    {
        var parameters = rootField + ":" + Canonical(arguments);
        lock (_gate)
        {
            Expire();
            if (_keys.TryGetValue(key, out var known))
            {
                return known.Parameters == parameters
                    ? known.Outcome with { Kind = SimOutcomeKind.Replayed }
                    : new SimMutationOutcome(null,
                        [new SimUserError(null, "The same idempotency key cannot be used with different operation parameters.", "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")],
                        SimOutcomeKind.UserErrors);
            }

            var outcome = apply();
            var now = Now;
            _keys[key] = (parameters, outcome, now);
            _keyExpiry.Enqueue((key, now));
            return outcome;
        }
    }

    private void Expire()
    {
        var limit = Now - _keyRetention;
        while (_keyExpiry.TryPeek(out var oldest) && oldest.At <= limit)
        {
            _keyExpiry.Dequeue();
            if (_keys.TryGetValue(oldest.Key, out var entry) && entry.At == oldest.At)
            {
                _keys.Remove(oldest.Key);
            }
        }
    }

    private long NextGroupId()
    {
        var id = _nextGroupId;
        _nextGroupId += 131_072; // ids of consecutive real groups are spaced like this
        return id;
    }

    /// <summary>Canonical JSON: object keys sorted, no whitespace (parameters of two calls compare as strings).</summary>
    internal static string Canonical(JsonNode? node)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);

        static void Write(Utf8JsonWriter writer, JsonNode? node)
        {
            switch (node)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case JsonObject obj:
                    writer.WriteStartObject();
                    foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        writer.WritePropertyName(key);
                        Write(writer, value);
                    }

                    writer.WriteEndObject();
                    break;
                case JsonArray array:
                    writer.WriteStartArray();
                    foreach (var item in array)
                    {
                        Write(writer, item);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    node.WriteTo(writer);
                    break;
            }
        }
    }
}
