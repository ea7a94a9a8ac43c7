using System.Text.Json.Nodes;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Orders.Dispatch;
using CdcBridge.Orders.Intake;
using CdcBridge.Orders.Ledger;
using CdcBridge.Orders.Lifecycle;
using CdcBridge.Orders.Odoo;
using CdcBridge.Orders.Tests.Intake;
using CdcBridge.Orders.Tests.Odoo;
using CdcBridge.Orders.Writer;
using CdcBridge.Projections;
using CdcBridge.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.Orders.Tests.Pipeline;

/// <summary>One stage as the lifecycle outbox holds it, decoded.</summary>
internal sealed record LifecycleStage(string Key, string Stage, long OrderId, int? SaleOrderId, string? ParkReason, int Attempts);

/// <summary>
/// The whole Orders room of one test: webhooks into its intake topic (<see cref="IntakeHarness"/>), the intake
/// projection into the ledger, and the dispatcher writing into an Odoo simulator on a fresh seeded database. The
/// lifecycle stages stay in the analytics outbox (no relay), where the test reads them.
/// </summary>
internal sealed class OrderPipeline : IAsyncDisposable
{
    private static long NextOrderIdSeed = 820_982_911_946_200_000;

    private readonly SchemaRegistryClient _registry;
    private readonly OrderLifecycleJournal _journal;
    private readonly OdooJsonRpcClient _odooClient;
    private readonly string _kafkaBootstrap;
    private ProjectionRunner? _runner;

    private OrderPipeline(string kafkaBootstrap, IntakeHarness intake, OdooScope odoo, SchemaRegistryClient registry, OdooJsonRpcClient odooClient)
    {
        _kafkaBootstrap = kafkaBootstrap;
        Intake = intake;
        Odoo = odoo;
        _registry = registry;
        _odooClient = odooClient;
        _journal = new OrderLifecycleJournal(registry, "lifecycle-" + intake.Topic);
    }

    public IntakeHarness Intake { get; }

    public OdooScope Odoo { get; }

    public OdooOrderDispatcher? Dispatcher { get; private set; }

    public string Sidecar => Intake.Sidecar;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<OrderPipeline> StartAsync(RegistryInfrastructure fixture, bool startDispatcher = true, Func<OdooConnectionOptions, OdooConnectionOptions>? odoo = null)
    {
        var scope = await OdooScope.StartAsync(fixture, Ct);
        await scope.InstallStandardDeliveryAsync(Ct);
        var intake = await IntakeHarness.StartAsync(fixture);
        var registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = fixture.RegistryUrl });
        var options = scope.Options();
        var pipeline = new OrderPipeline(fixture.Infrastructure.KafkaBootstrap, intake, scope, registry, new OdooJsonRpcClient(odoo?.Invoke(options) ?? options));
        await pipeline.StartIntakeAsync();
        if (startDispatcher)
        {
            pipeline.StartDispatcher();
        }

        return pipeline;
    }

    private async Task StartIntakeAsync()
    {
        _runner = new ProjectionRunner(new OrderIntakeProjector(Intake.Topic, _journal), new ProjectionOptions
        {
            KafkaBootstrap = _kafkaBootstrap,
            ConnectionString = Sidecar,
            GroupPrefix = UniqueName.For("orders"),
        }, _registry, NullLogger.Instance);
        await _runner.StartAsync(Ct);
    }

    /// <summary>A dispatcher (a new one after <see cref="StopDispatcherAsync"/>, as a restarted process would start).</summary>
    public void StartDispatcher()
    {
        var writer = new OdooOrderWriter(_odooClient, new NoVariants(), new OdooOrderWriterOptions());
        Dispatcher = new OdooOrderDispatcher(Sidecar, new StoreOrderWriters(new Dictionary<string, IChannelOrderWriter> { [IntakeHarness.Shop] = writer }),
            _journal, _registry, NullLogger.Instance, options: new OdooOrderDispatcherOptions { RetryDelay = TimeSpan.FromMilliseconds(200), MaxRetryDelay = TimeSpan.FromSeconds(1) });
        Dispatcher.Start();
    }

    /// <summary>Stops the dispatcher as a kill would: its calls in flight are abandoned, nothing is finished.</summary>
    public async Task StopDispatcherAsync()
    {
        if (Dispatcher is not null)
        {
            await Dispatcher.DisposeAsync();
            Dispatcher = null;
        }
    }

    public static long NewOrderId() => Interlocked.Increment(ref NextOrderIdSeed);

    /// <summary>
    /// Shopify's sample order made into order <paramref name="orderId"/> (name "#&lt;last digits&gt;") with one line per
    /// (SKU, quantity), its sample shipping line, and <paramref name="updatedAt"/>; cancelled when <paramref name="cancelled"/>.
    /// </summary>
    public static byte[] Order(long orderId, IReadOnlyList<(string Sku, int Quantity)> lines, DateTimeOffset updatedAt, bool cancelled = false) =>
        ShopifySample.With(o =>
        {
            o["id"] = orderId;
            o["name"] = NameOf(orderId);
            o["admin_graphql_api_id"] = $"gid://shopify/Order/{orderId}";
            o["updated_at"] = updatedAt.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
            o["cancelled_at"] = cancelled ? o["updated_at"]!.GetValue<string>() : null;
            o["cancel_reason"] = cancelled ? "customer" : null;
            var template = o["line_items"]!.AsArray()[0]!.DeepClone().AsObject();
            var items = new JsonArray();
            var n = 0;
            foreach (var (sku, quantity) in lines)
            {
                var item = template.DeepClone().AsObject();
                item["id"] = (orderId % 1_000_000_000) * 10 + n++;
                item["sku"] = sku;
                item["quantity"] = quantity;
                item["current_quantity"] = quantity;
                item["price"] = "19.90";
                item["total_discount"] = "0.00";
                items.Add(item);
            }

            o["line_items"] = items;
        });

    public static string NameOf(long orderId) => "#" + (orderId % 100_000);

    public static string Origin(long orderId) => $"shopify:{IntakeHarness.Shop}:{orderId}";

    /// <summary>Polls until the condition holds (the pipeline is asynchronous); fails with the last value after 60 s.</summary>
    public static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what) =>
        Eventually.UntilAsync(read, condition, value => $"{what}: still {value}", Ct);

    public async Task<LedgerEntry?> LedgerAsync(long orderId)
    {
        await using var connection = new NpgsqlConnection(Sidecar);
        await connection.OpenAsync(Ct);
        var rows = await ChannelOrderLedger.LockAsync(connection, null!, [(IntakeHarness.Shop, orderId)], Ct);
        return rows.Values.SingleOrDefault();
    }

    public Task<LedgerEntry> LedgerStatusAsync(long orderId, string status) =>
        EventuallyAsync(async () => (await LedgerAsync(orderId))!, e => e?.Status == status, $"order {orderId} {status}")!;

    /// <summary>The Odoo sale orders of a Shopify order (by origin): (id, state, client_order_ref).</summary>
    public async Task<List<(int Id, string State, string? Ref)>> OdooOrdersAsync(long orderId) =>
        [.. (await Odoo.RowsAsync("SELECT id, state, client_order_ref FROM sale_order WHERE origin = $1 ORDER BY id", Ct, Origin(orderId)))
            .Select(r => ((int)r[0]!, (string)r[1]!, (string?)r[2]))];

    /// <summary>The lifecycle stages of an order, in the order they were appended.</summary>
    public async Task<List<LifecycleStage>> StagesAsync(long orderId)
    {
        var deserializer = new AvroDeserializer(_registry);
        var stages = new List<LifecycleStage>();
        await using var connection = new NpgsqlConnection(Sidecar);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT record_key, record_value FROM channels.analytics_outbox WHERE topic = $1 ORDER BY id", connection);
        command.Parameters.Add(new() { Value = _journal.Topic });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            var value = (GenericRecord)(await deserializer.DeserializeAsync((byte[])reader[1], false, new SerializationContext(MessageComponentType.Value, _journal.Topic)))!;
            if ((long)value["channel_order_id"]! == orderId)
            {
                stages.Add(new LifecycleStage(System.Text.Encoding.UTF8.GetString((byte[])reader[0]), value["stage"]!.ToString()!, orderId,
                    (int?)value["odoo_sale_order_id"], (string?)value["park_reason"], (int)value["attempt_count"]!));
            }
        }

        return stages;
    }

    public async ValueTask DisposeAsync()
    {
        await StopDispatcherAsync();
        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }

        await Intake.DisposeAsync();
        _odooClient.Dispose();
        _registry.Dispose();
        await Odoo.DisposeAsync();
    }

    private sealed class NoVariants : IVariantSkuResolver
    {
        public Task<string?> SkuOfVariantAsync(string shopDomain, long variantId, CancellationToken ct) => Task.FromResult<string?>(null);
    }
}
