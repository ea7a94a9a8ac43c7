using System.Reflection;
using System.Text;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;
using CdcBridge.Channels.Outbox;
using Confluent.Kafka;
using Npgsql;

namespace CdcBridge.Orders.Lifecycle;

/// <summary>
/// Encodes lifecycle stages as records of retail.order.lifecycle.v1 (keyed by <c>&lt;shop&gt;:&lt;order id&gt;</c>, so an
/// order's stages stay in order) and appends them to the analytics outbox in the caller's transaction: a stage is
/// published if and only if the state change that caused it committed.
/// </summary>
public sealed class OrderLifecycleJournal(ISchemaRegistryClient registry, string topic = OrdersRoom.LifecycleTopic)
{
    private readonly AvroSerializer _value = new(registry, ValueSchema);

    public string Topic { get; } = topic;

    public static AvroSchema ValueSchema { get; } = Load("retail.order.lifecycle.v1.avsc");

    public async Task<AnalyticsRecord> EncodeAsync(OrderLifecycleEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var value = new Dictionary<string, object?>
        {
            ["shop_domain"] = e.ShopDomain,
            ["channel_order_id"] = e.OrderId,
            ["channel_order_name"] = e.OrderName,
            ["stage"] = e.Stage.ToString().ToUpperInvariant(),
            ["odoo_sale_order_id"] = e.OdooSaleOrderId,
            ["odoo_sale_order_name"] = e.OdooSaleOrderName,
            ["park_reason"] = e.Stage == OrderStage.Parked ? e.ParkReason : null,
            ["webhook_id"] = e.WebhookId,
            ["source_lsn"] = null, // every stage here is the writer's own observation, not Odoo's change stream
            ["attempt_count"] = e.AttemptCount,
            ["channel_created_at"] = e.ChannelCreatedAt,
            ["received_at"] = e.ReceivedAt,
            ["stage_at"] = e.StageAt,
            ["latency_ms"] = Math.Max(0, (long)(e.StageAt - e.ReceivedAt).TotalMilliseconds),
        };
        var bytes = await _value.SerializeAsync(value, new SerializationContext(MessageComponentType.Value, Topic));
        return new AnalyticsRecord(Topic, Encoding.UTF8.GetBytes($"{e.ShopDomain}:{e.OrderId}"), bytes);
    }

    /// <summary>Appends the stages to the analytics outbox inside the caller's transaction.</summary>
    public async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IEnumerable<OrderLifecycleEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        var records = new List<AnalyticsRecord>();
        foreach (var e in events)
        {
            records.Add(await EncodeAsync(e));
        }

        await AnalyticsOutbox.AppendAsync(connection, tx, records, ct);
    }

    private static AvroSchema Load(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"CdcBridge.Orders.{file}")
            ?? throw new InvalidOperationException($"Schema {file} is missing from the build.");
        using var reader = new StreamReader(stream);
        return AvroSchema.Parse(reader.ReadToEnd());
    }
}
