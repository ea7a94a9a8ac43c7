using System.Text;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Registry;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CdcBridge.Orders.Intake;

/// <summary>
/// Puts canonical orders on the intake topic: value in Confluent Avro with retail.channel.order.v1 (subject
/// <c>&lt;topic&gt;-value</c>), key the UTF-8 string <c>"&lt;shop_domain&gt;:&lt;order_id&gt;"</c> so the deliveries of one
/// order share a partition. Every produce is awaited to the broker's acknowledgement (acks=all, idempotent).
/// </summary>
internal sealed partial class IntakeProducer : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly AvroSerializer _serializer;
    private readonly ILogger _logger;

    public IntakeProducer(string bootstrap, ISchemaRegistryClient registry, string topic, TimeSpan messageTimeout, ILogger logger)
    {
        Topic = topic;
        _logger = logger;
        _serializer = new AvroSerializer(registry, ChannelOrderSchema.Value);
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            ClientId = "cdcbridge-orders-intake",
            Acks = Acks.All,
            EnableIdempotence = true,
            // Each delivery waits for its own record's ack before Shopify gets its answer: batching would only add latency.
            LingerMs = 1,
            // Bounded, so a broker outage is answered 503 (and retried by Shopify) rather than held open.
            MessageTimeoutMs = (int)messageTimeout.TotalMilliseconds,
            RequestTimeoutMs = (int)Math.Min(messageTimeout.TotalMilliseconds, 30_000),
        };
        _producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, m) => LogKafka(_logger, m.Level <= SyslogLevel.Warning ? LogLevel.Warning : LogLevel.Debug, m.Facility, m.Message))
            .SetErrorHandler((_, e) => LogKafkaError(_logger, e.Code, e.Reason))
            .Build();
    }

    public string Topic { get; }

    public static byte[] Key(string shopDomain, long orderId) => Encoding.UTF8.GetBytes($"{shopDomain}:{orderId}");

    /// <summary>The record in Confluent's wire format (registers the schema under the subject on first use).</summary>
    public Task<byte[]> EncodeAsync(IDictionary<string, object?> record) =>
        _serializer.SerializeAsync(record, new SerializationContext(MessageComponentType.Value, Topic));

    /// <summary>Produces and waits for the acknowledgement; throws <see cref="KafkaException"/> when there is none in time.</summary>
    public async Task<TopicPartitionOffset> ProduceAsync(byte[] key, byte[] value, CancellationToken ct)
    {
        var result = await _producer.ProduceAsync(Topic, new Message<byte[], byte[]> { Key = key, Value = value }, ct);
        return result.TopicPartitionOffset;
    }

    public void Dispose()
    {
        // Every produce is awaited, so nothing should be in flight; the bound only guards a shutdown during one.
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }

    [LoggerMessage(Message = "Kafka intake producer [{Facility}]: {Message}")]
    private static partial void LogKafka(ILogger logger, LogLevel level, string facility, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka intake producer error {Code}: {Reason}")]
    private static partial void LogKafkaError(ILogger logger, ErrorCode code, string reason);
}
