using System.Reflection;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;
using CdcBridge.Channels.Outbox;
using Confluent.Kafka;

namespace CdcBridge.Inventory;

/// <summary>Encodes availability changes as records of retail.inventory.availability.v1 (schemas from the repository's avro/ folder).</summary>
public sealed class AvailabilityAnalytics
{
    public const string DefaultTopic = "retail.inventory.availability.v1";

    private readonly AvroSerializer _key;
    private readonly AvroSerializer _value;

    public AvailabilityAnalytics(ISchemaRegistryClient registry, string topic = DefaultTopic)
    {
        Topic = topic;
        _key = new AvroSerializer(registry, KeySchema);
        _value = new AvroSerializer(registry, ValueSchema);
    }

    public string Topic { get; }

    public static AvroSchema KeySchema { get; } = Load("retail.inventory.availability.v1-key.avsc");

    public static AvroSchema ValueSchema { get; } = Load("retail.inventory.availability.v1.avsc");

    public async Task<AnalyticsRecord> EncodeAsync(AvailabilityChange change, InventoryState state)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(state);
        var result = change.Result;
        var key = new Dictionary<string, object?>
        {
            ["shop_domain"] = result.Key.ShopDomain,
            ["sku"] = result.Key.Sku,
            ["shopify_location_id"] = result.Key.ShopifyLocationId,
        };
        var inputs = result.Inputs;
        var value = new Dictionary<string, object?>(key)
        {
            ["shopify_inventory_item_id"] = null,
            ["odoo_product_id"] = result.OdooProductId,
            ["odoo_locations"] = result.OdooLocationIds.Select(id => (object?)Location(state, id)).ToList(),
            ["pushed_on_hand"] = result.OnHand,
            ["previous_pushed_on_hand"] = change.Previous,
            ["odoo_on_hand"] = Round(inputs.OdooOnHand),
            ["odoo_reserved"] = Round(inputs.OdooReserved),
            ["own_store_reserved"] = Round(inputs.OwnStoreReserved),
            ["unreserved_demand"] = Round(inputs.UnreservedDemand),
            ["pending_channel_orders"] = Round(inputs.PendingChannelOrders),
            ["own_store_shipped_unfulfilled"] = Round(inputs.OwnStoreShippedUnfulfilled),
            ["safety_stock"] = Round(inputs.SafetyStock),
            ["policy_version"] = AvailabilityPolicy.Version,
            ["trigger"] = change.Trigger switch
            {
                AvailabilityTrigger.OdooChange => "ODOO_CHANGE",
                AvailabilityTrigger.ChannelOrder => "CHANNEL_ORDER",
                AvailabilityTrigger.Configuration => "CONFIGURATION",
                _ => "SNAPSHOT",
            },
            ["source_lsn"] = change.SourceLsn,
            ["source_tx_id"] = change.SourceLsn is null ? null : change.SourceTxId,
            ["source_committed_at"] = change.SourceLsn is null ? null : change.SourceCommittedAt?.UtcDateTime,
            ["source_channel_order_id"] = change.SourceChannelOrderId,
            ["computed_at"] = change.ComputedAt.UtcDateTime,
        };
        var k = await _key.SerializeAsync(key, new SerializationContext(MessageComponentType.Key, Topic));
        var v = await _value.SerializeAsync(value, new SerializationContext(MessageComponentType.Value, Topic));
        return new AnalyticsRecord(Topic, k, v);
    }

    private static Dictionary<string, object?> Location(InventoryState state, int id)
    {
        state.Locations.TryGetValue(id, out var location);
        var warehouse = location?.WarehouseId is { } w && state.Warehouses.TryGetValue(w, out var row) ? row : null;
        return new Dictionary<string, object?>
        {
            ["odoo_location_id"] = id,
            ["odoo_location_name"] = location?.CompleteName,
            ["odoo_warehouse_id"] = location?.WarehouseId,
            ["odoo_warehouse_code"] = warehouse?.Code,
        };
    }

    // decimal(18,6): more decimals are rounded half-up, as Odoo rounds.
    private static decimal Round(decimal value) => Math.Round(value, 6, MidpointRounding.AwayFromZero);

    private static AvroSchema Load(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"CdcBridge.Inventory.{file}")
            ?? throw new InvalidOperationException($"Schema {file} is missing from the build.");
        using var reader = new StreamReader(stream);
        return AvroSchema.Parse(reader.ReadToEnd());
    }
}

/// <summary>Why a value was recomputed (the schema's AvailabilityTrigger).</summary>
public enum AvailabilityTrigger
{
    OdooChange,
    ChannelOrder,
    Configuration,
    Snapshot,
}

/// <summary>A changed value with what caused it.</summary>
public sealed record AvailabilityChange(
    AvailabilityResult Result,
    int? Previous,
    AvailabilityTrigger Trigger,
    long? SourceLsn,
    long? SourceTxId,
    DateTimeOffset? SourceCommittedAt,
    long? SourceChannelOrderId,
    DateTimeOffset ComputedAt);
