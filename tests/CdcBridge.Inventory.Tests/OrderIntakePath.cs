using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Channels.Shopify;
using CdcBridge.DevStack.Odoo;
using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.Orders.Dispatch;
using CdcBridge.Orders.Intake;
using CdcBridge.Orders.Ledger;
using CdcBridge.Orders.Lifecycle;
using CdcBridge.Orders.Odoo;
using CdcBridge.Orders.Writer;
using CdcBridge.Projections;
using CdcBridge.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.Inventory.Tests;

/// <summary>A row of <c>orders.channel_orders</c> as the test reads it.</summary>
internal sealed record LedgerRow(long OrderId, string Name, string Status, bool Cancelled, int? SaleOrderId, string? ParkReason, string? LastError);

/// <summary>One record of the intake topic read back (records of one order come in their partition's offset order).</summary>
internal sealed record IntakeRecordView(string Shop, long OrderId, string Topic, DateTime UpdatedAt, bool Cancelled, IReadOnlyList<(string? Sku, int Quantity)> Lines);

/// <summary>
/// The Orders room wired beside an <see cref="AvailabilityPipeline"/>, as Host/Sidecar/OrdersSidecar.cs wires it in
/// production: the webhook receiver (the Shopify simulator subscribed to it, signed with its secret) producing to the
/// pipeline's intake topic, which the availability projector reads too; the intake projection into the order ledger
/// (its own sidecar database); and the dispatcher writing the ledger's orders through an <see cref="OdooOrderWriter"/>
/// (variants without SKU resolved by a real <see cref="ShopifyVariantSkuResolver"/> over the simulator's Admin API) and
/// one JSON-RPC client into an Odoo simulator on the pipeline's Odoo database, so the capture sees the writer's rows.
/// </summary>
internal sealed class OrderIntakePath : IAsyncDisposable
{
    private readonly AvailabilityPipeline _pipeline;
    private readonly string _kafkaBootstrap;
    private readonly SchemaRegistryClient _registry;
    private readonly OrderLifecycleJournal _journal;
    private readonly OdooJsonRpcClient _odooClient;
    private readonly HttpClient _http;
    private readonly StoreOrderWriters _writers;
    private ShopifyWebhookReceiver? _receiver;
    private WebhookServer? _server;

    private OrderIntakePath(AvailabilityPipeline pipeline, string kafkaBootstrap, SchemaRegistryClient registry, OdooSimulator odoo, OdooJsonRpcClient odooClient,
        HttpClient http, StoreOrderWriters writers, string sidecar, int warehouseId)
    {
        _pipeline = pipeline;
        _kafkaBootstrap = kafkaBootstrap;
        _registry = registry;
        _journal = new OrderLifecycleJournal(registry, "lifecycle-" + pipeline.IntakeTopic);
        Odoo = odoo;
        _odooClient = odooClient;
        _http = http;
        _writers = writers;
        Sidecar = sidecar;
        WarehouseId = warehouseId;
    }

    public OdooSimulator Odoo { get; }

    /// <summary>The Orders room's sidecar database (ledger, webhook log, lifecycle outbox).</summary>
    public string Sidecar { get; }

    /// <summary>The stock.warehouse the writer puts orders in: WH, the simulator store's order warehouse.</summary>
    public int WarehouseId { get; }

    public ProjectionRunner IntakeRunner { get; private set; } = null!;

    /// <summary>The running dispatcher; null while the writer is paused.</summary>
    public OdooOrderDispatcher? Dispatcher { get; private set; }

    public static async Task<OrderIntakePath> StartAsync(RegistryInfrastructure fixture, AvailabilityPipeline pipeline, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(pipeline);
        var shop = pipeline.Shopify.ShopDomain;
        int warehouse, defaultWarehouse;
        await using (var odoo = new NpgsqlConnection(pipeline.Odoo))
        {
            await odoo.OpenAsync(ct);
            await StandardDelivery.InstallAsync(odoo, ct);
            await using var command = new NpgsqlCommand(
                """
                SELECT (SELECT id FROM stock_warehouse WHERE code = 'WH'),
                       (SELECT id FROM stock_warehouse WHERE company_id = 1 AND active IS NOT FALSE ORDER BY sequence, id LIMIT 1)
                """, odoo);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (warehouse, defaultWarehouse) = (reader.GetInt32(0), reader.GetInt32(1));
        }

        // The store's order warehouse (its first mapped warehouse, WH) is where availability counts its pending orders;
        // the writer is configured with it, as stores[].orderWarehouse would, and it is also Odoo's default.
        if (warehouse != defaultWarehouse)
        {
            throw new InvalidOperationException($"Odoo's default warehouse is {defaultWarehouse}, not WH ({warehouse}).");
        }

        var sidecar = await fixture.Infrastructure.CreateEmptyDatabaseAsync(ct);
        await using (var connection = new NpgsqlConnection(sidecar))
        {
            await connection.OpenAsync(ct);
            await ChannelOrderLedger.EnsureAsync(connection, ct);
            await WebhookDeliveryLog.EnsureSchemaAsync(connection, ct);
        }

        var simulator = await OdooSimulator.StartAsync(new OdooSimulatorOptions { ConnectionString = pipeline.Odoo }, null, ct);
        var registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = fixture.RegistryUrl });
        var odooClient = new OdooJsonRpcClient(new OdooConnectionOptions
        {
            Url = new Uri(simulator.Url),
            Database = simulator.Database,
            Login = simulator.Login,
            Password = simulator.Password,
            RequestsPerSecond = 1000,
            Burst = 100,
            MaxInFlight = 8,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        });
        var http = new HttpClient();
        var shopify = new ShopifyInventoryClient(new ShopifyStore(shop, new Uri(pipeline.Shopify.Url), pipeline.Shopify.ApiVersion, pipeline.Shopify.AccessToken), http);
        var variants = new ShopifyVariantSkuResolver([shopify]);
        var writer = new OdooOrderWriter(odooClient, variants, new OdooOrderWriterOptions { WarehouseId = warehouse });
        var writers = new StoreOrderWriters(new Dictionary<string, IChannelOrderWriter>(StringComparer.Ordinal) { [shop] = writer });
        var path = new OrderIntakePath(pipeline, fixture.Infrastructure.KafkaBootstrap, registry, simulator, odooClient, http, writers, sidecar, warehouse);
        try
        {
            path.IntakeRunner = new ProjectionRunner(new OrderIntakeProjector(pipeline.IntakeTopic, path._journal), new ProjectionOptions
            {
                KafkaBootstrap = fixture.Infrastructure.KafkaBootstrap,
                ConnectionString = sidecar,
                GroupPrefix = UniqueName.For("orders"),
            }, registry, NullLogger.Instance);
            await path.IntakeRunner.StartAsync(ct);
            path.StartWriter();
            path._receiver = new ShopifyWebhookReceiver(new ShopifyWebhookOptions { Secrets = [pipeline.Shopify.WebhookSecret], IntakeTopic = pipeline.IntakeTopic },
                fixture.Infrastructure.KafkaBootstrap, registry, sidecar, NullLogger.Instance, variantSkus: variants);
            path._server = await WebhookServer.StartAsync("http://127.0.0.1:0", "/webhooks", path._receiver, NullLoggerFactory.Instance, ct);
            pipeline.Shopify.SubscribeWebhooks(new Uri($"{path._server.Url}/shopify"));
            return path;
        }
        catch
        {
            await path.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a dispatcher (a new one after <see cref="PauseWriterAsync"/>, as a restarted process would).</summary>
    public void StartWriter()
    {
        if (Dispatcher is not null)
        {
            return;
        }

        Dispatcher = new OdooOrderDispatcher(Sidecar, _writers, _journal, _registry, NullLogger.Instance,
            options: new OdooOrderDispatcherOptions { RetryDelay = TimeSpan.FromMilliseconds(200), MaxRetryDelay = TimeSpan.FromSeconds(1) });
        Dispatcher.Start();
    }

    /// <summary>Stops the dispatcher; call it only at quiescence (nothing in flight), so nothing is left half written.</summary>
    public async Task PauseWriterAsync()
    {
        if (Dispatcher is not null)
        {
            await Dispatcher.DisposeAsync();
            Dispatcher = null;
        }
    }

    /// <summary>
    /// Waits for quiescence: every webhook the simulator triggered is over (delivered, duplicates sent) and was accepted;
    /// the intake projection has folded every record into the ledger; with the writer running, the ledger has nothing
    /// pending or cancel_pending (Odoo has committed every write); then the availability pipeline's own quiescence
    /// (the capture past Odoo's WAL position now, the projection at its topics' ends, the Shopify outbox drained).
    /// </summary>
    public async Task QuiesceAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        await PollAsync(() => Task.FromResult(_pipeline.Shopify.WebhookDeliveries().Count(d => !d.Finished)), running => running == 0, deadline,
            "webhook deliveries still running", ct);
        var refused = _pipeline.Shopify.WebhookDeliveries().Where(d => !d.Delivered).ToList();
        if (refused.Count > 0)
        {
            throw new InvalidOperationException($"{refused.Count} webhooks were never accepted: " + string.Join("; ", refused.Take(5).Select(d =>
                $"{d.Topic} of order {d.OrderId}: {(d.Attempts.Count > 0 ? $"{d.Attempts[^1].Status} {d.Attempts[^1].Error}" : "no attempt")}")));
        }

        await IntakeRunner.WaitForCaughtUpAsync(Left(deadline), ct);
        if (Dispatcher is not null)
        {
            await PollAsync(async () => (await LedgerAsync(ct)).Values.Count(r => r.Status is OrderStatus.Pending or OrderStatus.CancelPending), due => due == 0, deadline,
                "ledger rows still pending or cancel_pending", ct);
        }

        await _pipeline.QuiesceAsync(Left(deadline), ct);
    }

    /// <summary>Polls the ledger until <paramref name="condition"/> holds for the order's row; the row (or null) either way.</summary>
    public async Task<LedgerRow?> WaitForLedgerAsync(long orderId, Func<LedgerRow?, bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var row = (await LedgerAsync(ct)).GetValueOrDefault(orderId);
            if (condition(row) || DateTime.UtcNow > deadline)
            {
                return row;
            }

            await Task.Delay(20, ct); // polling the ledger, bounded by the deadline
        }
    }

    /// <summary>The ledger's rows of the simulator's store, by Shopify order id.</summary>
    public async Task<IReadOnlyDictionary<long, LedgerRow>> LedgerAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(Sidecar);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT order_id, name, status, cancelled, odoo_sale_order_id, park_reason, last_error FROM orders.channel_orders WHERE shop_domain = $1", connection)
        {
            Parameters = { new() { Value = _pipeline.Shopify.ShopDomain } },
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new Dictionary<long, LedgerRow>();
        while (await reader.ReadAsync(ct))
        {
            rows[reader.GetInt64(0)] = new LedgerRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
                await reader.IsDBNullAsync(4, ct) ? null : reader.GetInt32(4), await reader.IsDBNullAsync(5, ct) ? null : reader.GetString(5),
                await reader.IsDBNullAsync(6, ct) ? null : reader.GetString(6));
        }

        return rows;
    }

    /// <summary>Every record on the intake topic (all partitions, to their ends now), decoded field by field (not with the projector's reader).</summary>
    public async Task<IReadOnlyList<IntakeRecordView>> ReadIntakeAsync(CancellationToken ct)
    {
        var topic = _pipeline.IntakeTopic;
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _kafkaBootstrap }).Build();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = _kafkaBootstrap,
            GroupId = UniqueName.For("intake_reader"),
            EnableAutoCommit = false,
        }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var ends = partitions.ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        var next = partitions.ToDictionary(p => p.Partition.Value, _ => 0L);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var deserializer = new AvroDeserializer(_registry);
        var records = new List<IntakeRecordView>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (next.Any(n => n.Value < ends[n.Key]))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The intake topic {topic} could not be read to its ends within 30 s.");
            }

            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is null)
            {
                continue;
            }

            next[result.Partition.Value] = result.Offset.Value + 1;
            var value = await deserializer.DeserializeAsync(result.Message.Value, result.Message.Value is null,
                new SerializationContext(MessageComponentType.Value, topic));
            if (value is GenericRecord r)
            {
                var lines = ((IEnumerable<object?>)r["line_items"]!).Cast<GenericRecord>()
                    .Select(l => (Sku(l), (l["current_quantity"] as int?) ?? (int)l["quantity"]!)).ToList();
                var kind = r["topic"]?.ToString() ?? "";
                records.Add(new IntakeRecordView((string)r["shop_domain"]!, (long)r["order_id"]!, kind, (DateTime)r["updated_at"]!,
                    kind == "ORDERS_CANCELLED" || r["cancelled_at"] is not null, lines));
            }
        }

        return records;

        // The SKU sent, else the one the receiver looked up by variant: a line without either counts nowhere.
        static string? Sku(GenericRecord line) => line["sku"] as string is { Length: > 0 } sent ? sent : line["resolved_sku"] as string;
    }

    /// <summary>
    /// What the intake topic says about each order (docs/inventory-policy.md, the intake seam): the newest
    /// <c>updated_at</c> wins, and a delivery as new as a cancellation never revives it.
    /// </summary>
    public static IReadOnlyDictionary<(string Shop, long OrderId), IntakeRecordView> Newest(IEnumerable<IntakeRecordView> records)
    {
        var newest = new Dictionary<(string, long), IntakeRecordView>();
        foreach (var record in records)
        {
            var key = (record.Shop, record.OrderId);
            if (!newest.TryGetValue(key, out var held) || record.UpdatedAt > held.UpdatedAt || (record.UpdatedAt == held.UpdatedAt && (record.Cancelled || !held.Cancelled)))
            {
                newest[key] = record;
            }
        }

        return newest;
    }

    public async ValueTask DisposeAsync()
    {
        _pipeline.Shopify.UnsubscribeWebhooks();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        if (IntakeRunner is not null)
        {
            await IntakeRunner.DisposeAsync();
        }

        await PauseWriterAsync();
        _odooClient.Dispose();
        _http.Dispose();
        _registry.Dispose();
        await Odoo.DisposeAsync();
    }

    private static TimeSpan Left(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.FromSeconds(5) ? left : TimeSpan.FromSeconds(5);
    }

    private static async Task PollAsync<T>(Func<Task<T>> read, Func<T, bool> condition, DateTime deadline, string what, CancellationToken ct)
    {
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not quiescent: {what} ({value}).");
            }

            await Task.Delay(20, ct); // polling a condition, bounded by the deadline
        }
    }
}
