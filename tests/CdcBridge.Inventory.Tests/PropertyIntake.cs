using System.Runtime.CompilerServices;
using System.Text;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;
using Confluent.Kafka;

namespace CdcBridge.Inventory.Tests;

/// <summary>One delivery of a channel order webhook as the receiver puts it on the intake topic.</summary>
internal sealed record PropertyOrderVersion(
    string Shop,
    long OrderId,
    string Name,
    string Topic,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool Cancelled,
    IReadOnlyList<(string Sku, int Quantity, int CurrentQuantity)> Lines,
    int Delivery);

/// <summary>
/// Writes channel orders to the intake topic in retail.channel.order.v1's shape (avro/retail.channel.order.v1.avsc,
/// Confluent Avro, keyed by shop and order id), and keeps what the topic says about each order: the newest
/// <c>updated_at</c> delivered wins, whatever the order of delivery.
/// </summary>
internal sealed class PropertyIntake : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly AvroSerializer _serializer;
    private readonly SchemaRegistryClient _registry;
    private readonly string _topic;
    private readonly Dictionary<(string Shop, long OrderId), PropertyOrderVersion> _newest = [];

    public PropertyIntake(string bootstrap, string registryUrl, string topic)
    {
        _topic = topic;
        _registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = registryUrl });
        _serializer = new AvroSerializer(_registry, AvroSchema.Parse(File.ReadAllText(SchemaPath())));
        _producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, EnableIdempotence = true }).Build();
    }

    public int Published { get; private set; }

    /// <summary>What the topic holds for each order: its newest description.</summary>
    public IReadOnlyCollection<OracleChannelOrder> Newest => _newest.Values
        .Select(v => new OracleChannelOrder(v.Shop, v.OrderId, v.UpdatedAt, v.Cancelled, [.. v.Lines.Select(l => ((string?)l.Sku, l.CurrentQuantity))]))
        .ToList();

    public async Task PublishAsync(PropertyOrderVersion order, CancellationToken ct)
    {
        var value = await _serializer.SerializeAsync(Record(order), new SerializationContext(MessageComponentType.Value, _topic));
        await _producer.ProduceAsync(_topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes($"{order.Shop}:{order.OrderId}"), Value = value }, ct);
        Published++;
        var key = (order.Shop, order.OrderId);
        if (!_newest.TryGetValue(key, out var held) || held.UpdatedAt < order.UpdatedAt)
        {
            _newest[key] = order;
        }
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
        _registry.Dispose();
    }

    internal static Dictionary<string, object?> Record(PropertyOrderVersion o)
    {
        var lines = o.Lines.Select((l, i) => (object?)new Dictionary<string, object?>
        {
            ["line_item_id"] = (o.OrderId * 10) + i,
            ["variant_id"] = null,
            ["product_id"] = null,
            ["sku"] = l.Sku,
            ["title"] = $"Product {l.Sku}",
            ["variant_title"] = null,
            ["quantity"] = l.Quantity,
            ["current_quantity"] = l.CurrentQuantity,
            ["requires_shipping"] = true,
            ["price"] = 19.9m,
            ["total_discount"] = 0m,
            ["tax_lines"] = new List<object?>(),
            ["resolved_sku"] = null,
        }).ToList();
        var total = o.Lines.Sum(l => l.CurrentQuantity * 19.9m);
        return new Dictionary<string, object?>
        {
            ["webhook_id"] = $"{o.Shop}-{o.OrderId}-{o.Delivery}",
            ["event_id"] = null,
            ["topic"] = o.Topic,
            ["api_version"] = "2026-04",
            ["triggered_at"] = o.UpdatedAt,
            ["shop_domain"] = o.Shop,
            ["order_id"] = o.OrderId,
            ["admin_graphql_api_id"] = $"gid://shopify/Order/{o.OrderId}",
            ["name"] = o.Name,
            ["email"] = null,
            ["phone"] = null,
            ["customer"] = null,
            ["currency"] = "USD",
            ["presentment_currency"] = null,
            ["financial_status"] = "paid",
            ["fulfillment_status"] = null,
            ["test"] = false,
            ["taxes_included"] = false,
            ["source_name"] = "web",
            ["note"] = null,
            ["created_at"] = o.CreatedAt,
            ["updated_at"] = o.UpdatedAt,
            ["processed_at"] = o.CreatedAt,
            ["cancelled_at"] = o.Cancelled ? o.UpdatedAt : null,
            ["cancel_reason"] = o.Cancelled ? "customer" : null,
            ["line_items"] = lines,
            ["shipping_lines"] = new List<object?>(),
            ["shipping_address"] = null,
            ["billing_address"] = null,
            ["total_line_items_price"] = total,
            ["subtotal_price"] = total,
            ["total_discounts"] = 0m,
            ["total_shipping_price"] = null,
            ["total_tax"] = 0m,
            ["total_price"] = total,
            ["current_total_price"] = null,
            ["received_at"] = o.UpdatedAt,
            ["raw_payload"] = "{}",
        };
    }

    /// <summary>The repository's avro/retail.channel.order.v1.avsc, found from this source file (the test runs where it was built).</summary>
    internal static string SchemaPath([CallerFilePath] string source = "")
    {
        foreach (var start in new[] { Path.GetDirectoryName(source), AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "avro", "retail.channel.order.v1.avsc");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("avro/retail.channel.order.v1.avsc was not found above the test's source or output folder.");
    }
}
