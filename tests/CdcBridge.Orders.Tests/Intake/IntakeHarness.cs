using System.Net;
using System.Text;
using System.Text.Json;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Orders.Intake;
using CdcBridge.Orders.Writer;
using CdcBridge.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.Orders.Tests.Intake;

/// <summary>What the webhook endpoint answered: the status and the outcome and reason of its JSON body.</summary>
internal sealed record WebhookAnswer(HttpStatusCode Status, string Outcome, string? Reason);

/// <summary>A record on the intake topic: its UTF-8 key and its value read back with our Avro deserializer.</summary>
internal sealed record IntakeRecord(string Key, GenericRecord Value);

/// <summary>
/// One test's intake: its own topic (one partition) and sidecar database, a receiver on the shared Kafka and registry
/// (or on the Kafka it is given), a <see cref="WebhookServer"/> on 127.0.0.1:0, and an HTTP client posting deliveries the
/// way Shopify does.
/// </summary>
internal sealed class IntakeHarness : IAsyncDisposable
{
    public const string Secret = "shpss_intake_test_secret_current";
    public const string OldSecret = "shpss_intake_test_secret_previous";
    public const string Shop = "northwind-test.myshopify.com";
    public const string BasePath = "/webhooks";

    /// <summary>The X-Shopify-Triggered-At every delivery carries (Shopify writes nanoseconds; .NET keeps 100 ns ticks).</summary>
    public const string TriggeredAt = "2024-06-26T16:33:22.123456789Z";

    public const string EventId = "98880550-7158-44d4-b7cd-2c97c8a091b5";

    private readonly RegistryInfrastructure _fixture;
    private readonly SchemaRegistryClient _registry;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private IntakeHarness(RegistryInfrastructure fixture, string topic, string sidecar, SchemaRegistryClient registry, ShopifyWebhookReceiver receiver, WebhookServer server)
    {
        _fixture = fixture;
        Topic = topic;
        Sidecar = sidecar;
        _registry = registry;
        Receiver = receiver;
        Server = server;
    }

    public string Topic { get; }

    public string Sidecar { get; }

    public ShopifyWebhookReceiver Receiver { get; }

    public WebhookServer Server { get; }

    public Uri Endpoint => new($"{Server.Url}/shopify");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="kafkaBootstrap">Another Kafka for the receiver (e.g. a closed port); the shared one by default.</param>
    /// <param name="sidecar">An existing sidecar database (another harness's); a new one by default.</param>
    /// <param name="topic">An existing topic (another harness's); a new one by default.</param>
    /// <param name="variantSkus">The receiver's variant → SKU lookup for lines without SKU; none by default.</param>
    public static async Task<IntakeHarness> StartAsync(
        RegistryInfrastructure fixture,
        Func<ShopifyWebhookOptions, ShopifyWebhookOptions>? configure = null,
        string? kafkaBootstrap = null,
        string? sidecar = null,
        string? topic = null,
        IVariantSkuResolver? variantSkus = null)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        if (topic is null)
        {
            topic = UniqueName.For("orders_intake");
            await fixture.Infrastructure.CreateTopicAsync(topic, 1, Ct);
        }

        sidecar ??= await fixture.Infrastructure.CreateEmptyDatabaseAsync(Ct);
        var options = new ShopifyWebhookOptions { Secrets = [Secret, OldSecret], IntakeTopic = topic };
        var registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = fixture.RegistryUrl });
        var receiver = new ShopifyWebhookReceiver(configure?.Invoke(options) ?? options, kafkaBootstrap ?? fixture.Infrastructure.KafkaBootstrap, registry,
            sidecar, NullLogger.Instance, variantSkus: variantSkus);
        var server = await WebhookServer.StartAsync("http://127.0.0.1:0", BasePath, receiver, NullLoggerFactory.Instance, Ct);
        return new IntakeHarness(fixture, topic, sidecar, registry, receiver, server);
    }

    /// <summary>
    /// Posts a delivery as Shopify would: the body as is, signed with <paramref name="secret"/>, with the Shopify headers
    /// except those named in <paramref name="without"/>.
    /// </summary>
    public async Task<WebhookAnswer> PostAsync(
        byte[] body,
        string webhookId,
        string topic = ChannelOrderSchema.OrdersCreate,
        string secret = Secret,
        IReadOnlyCollection<string>? without = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        var headers = new Dictionary<string, string>
        {
            [ShopifyWebhookHeaders.Topic] = topic,
            [ShopifyWebhookHeaders.HmacSha256] = ShopifyWebhookSignature.Sign(body, secret),
            [ShopifyWebhookHeaders.ShopDomain] = Shop,
            [ShopifyWebhookHeaders.ApiVersion] = "2026-04",
            [ShopifyWebhookHeaders.WebhookId] = webhookId,
            [ShopifyWebhookHeaders.TriggeredAt] = TriggeredAt,
            [ShopifyWebhookHeaders.EventId] = EventId,
        };
        foreach (var (name, value) in headers.Where(h => without?.Contains(h.Key) != true))
        {
            request.Headers.Add(name, value);
        }

        using var response = await _http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var json = JsonDocument.Parse(text);
        var reason = json.RootElement.TryGetProperty("reason", out var r) ? r.GetString() : null;
        return new WebhookAnswer(response.StatusCode, json.RootElement.GetProperty("outcome").GetString()!, reason);
    }

    /// <summary>How many records the topic holds (the receiver answers only after Kafka's ack, so this is final).</summary>
    public long RecordCount()
    {
        using var consumer = NewConsumer();
        return consumer.QueryWatermarkOffsets(new TopicPartition(Topic, 0), TimeSpan.FromSeconds(10)).High.Value;
    }

    /// <summary>Every record on the topic, in order.</summary>
    public async Task<IReadOnlyList<IntakeRecord>> ReadTopicAsync()
    {
        using var consumer = NewConsumer();
        var partition = new TopicPartition(Topic, 0);
        var high = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var deserializer = new AvroDeserializer(_registry);
        var records = new List<IntakeRecord>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (records.Count < high)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"the topic's {high} records should be readable");
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result?.Message is null)
            {
                continue;
            }

            var value = await deserializer.DeserializeAsync(result.Message.Value, false, new SerializationContext(MessageComponentType.Value, Topic));
            records.Add(new IntakeRecord(Encoding.UTF8.GetString(result.Message.Key), (GenericRecord)value!));
        }

        return records;
    }

    public async Task<LoggedDelivery?> LoggedAsync(string webhookId)
    {
        await using var connection = await OpenSidecarAsync();
        return await WebhookDeliveryLog.FindAsync(connection, webhookId, Ct);
    }

    public async Task<long> LoggedCountAsync()
    {
        await using var connection = await OpenSidecarAsync();
        return await WebhookDeliveryLog.CountAsync(connection, Ct);
    }

    public async Task<IReadOnlyList<ParkedWebhook>> ParkedAsync()
    {
        await using var connection = await OpenSidecarAsync();
        return await ParkedWebhooks.ListAsync(connection, 100, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Receiver.DisposeAsync();
        _registry.Dispose();
        _http.Dispose();
    }

    private async Task<NpgsqlConnection> OpenSidecarAsync()
    {
        var connection = new NpgsqlConnection(Sidecar);
        await connection.OpenAsync(Ct);
        // A rejected delivery may come before any accepted one made the tables: make them so the queries can answer "none".
        await WebhookDeliveryLog.EnsureSchemaAsync(connection, Ct);
        return connection;
    }

    private IConsumer<byte[], byte[]> NewConsumer() => new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
    {
        BootstrapServers = _fixture.Infrastructure.KafkaBootstrap,
        GroupId = UniqueName.For("intake_reader"),
        EnableAutoCommit = false,
    }).Build();
}
