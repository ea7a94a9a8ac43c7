using System.Text.Json.Nodes;
using CdcBridge.Avro.Registry;
using CdcBridge.Channels.Shopify;
using CdcBridge.Host.Configuration;
using CdcBridge.Orders.Dispatch;
using CdcBridge.Orders.Intake;
using CdcBridge.Orders.Ledger;
using CdcBridge.Orders.Lifecycle;
using CdcBridge.Orders.Odoo;
using CdcBridge.Orders.Writer;
using CdcBridge.Projections;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CdcBridge.Host.Sidecar;

/// <summary>
/// The Orders room running: the webhook receiver (Shopify → intake topic), the intake projection into the order
/// ledger, and the dispatcher that writes the ledger's due orders into Odoo through one throttled JSON-RPC client.
/// The lifecycle stages ride the analytics outbox, which the availability sidecar's relay produces.
/// </summary>
internal sealed class OrdersSidecar : IAsyncDisposable
{
    private readonly SchemaRegistryClient _registry;
    private readonly ShopifyWebhookReceiver _receiver;
    private readonly WebhookServer _server;
    private readonly OdooJsonRpcClient _odoo;
    private readonly string _sidecarDatabase;

    private OrdersSidecar(SchemaRegistryClient registry, ShopifyWebhookReceiver receiver, WebhookServer server, OdooJsonRpcClient odoo,
        ProjectionRunner intake, OdooOrderDispatcher dispatcher, string sidecarDatabase)
    {
        _registry = registry;
        _receiver = receiver;
        _server = server;
        _odoo = odoo;
        IntakeRunner = intake;
        Dispatcher = dispatcher;
        _sidecarDatabase = sidecarDatabase;
    }

    /// <summary>The receiver's base URL; Shopify posts to <c>{WebhooksUrl}/shopify</c>.</summary>
    public string WebhooksUrl => _server.Url;

    public ProjectionRunner IntakeRunner { get; }

    public OdooOrderDispatcher Dispatcher { get; }

    public OdooClientSnapshot Odoo => _odoo.Snapshot();

    public static async Task<OrdersSidecar> StartAsync(OrdersSettings settings, string kafkaBootstrap, string registryUrl, string sidecarDatabase,
        ProjectionSection projection, IEnumerable<ShopifyInventoryClient> shopify, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = registryUrl });
        var parts = new List<IAsyncDisposable>();
        OdooJsonRpcClient? odoo = null;
        try
        {
            // The ledger's tables first: the receiver, the projection and the dispatcher all use schema "orders".
            await using (var connection = new NpgsqlConnection(sidecarDatabase))
            {
                await connection.OpenAsync(ct);
                await ChannelOrderLedger.EnsureAsync(connection, ct);
                await WebhookDeliveryLog.EnsureSchemaAsync(connection, ct);
            }

            var rpc = odoo = new OdooJsonRpcClient(settings.Odoo, logger: loggerFactory.CreateLogger<OdooJsonRpcClient>());
            var variants = new ShopifyVariantSkuResolver(shopify);
            var writers = new Dictionary<string, IChannelOrderWriter>(StringComparer.Ordinal);
            foreach (var (shop, warehouse) in settings.StoreWarehouses)
            {
                var options = new OdooOrderWriterOptions();
                if (settings.ShippingProduct is { } shipping)
                {
                    options = options with { ShippingProductCode = shipping };
                }

                var writerLogger = loggerFactory.CreateLogger<OdooOrderWriter>();
                writers[shop] = warehouse is null
                    ? new OdooOrderWriter(rpc, variants, options, writerLogger)
                    : new StoreWarehouseWriter(rpc, warehouse, id => new OdooOrderWriter(rpc, variants, options with { WarehouseId = id }, writerLogger));
            }

            var journal = new OrderLifecycleJournal(registry, settings.LifecycleTopic);
            var intake = new ProjectionRunner(new OrderIntakeProjector(projection.IntakeTopic, journal), new ProjectionOptions
            {
                KafkaBootstrap = kafkaBootstrap,
                ConnectionString = sidecarDatabase,
                Epoch = projection.Epoch,
                GroupPrefix = projection.GroupPrefix,
            }, registry, loggerFactory.CreateLogger("cdcbridge.orders.intake"));
            await intake.StartAsync(ct);
            parts.Add(intake);

            var dispatcher = new OdooOrderDispatcher(sidecarDatabase, new StoreOrderWriters(writers), journal, registry,
                loggerFactory.CreateLogger("cdcbridge.orders.odoo"), options: new OdooOrderDispatcherOptions { MaxConcurrentOrders = settings.MaxConcurrentOrders });
            dispatcher.Start();
            parts.Add(dispatcher);

            var receiver = new ShopifyWebhookReceiver(new ShopifyWebhookOptions
            {
                Secrets = settings.WebhookSecrets,
                MaxBodyBytes = settings.MaxBodyBytes,
                IntakeTopic = projection.IntakeTopic,
            }, kafkaBootstrap, registry, sidecarDatabase, loggerFactory.CreateLogger("cdcbridge.orders.webhooks"), variantSkus: variants);
            parts.Add(receiver);
            var server = await WebhookServer.StartAsync(settings.ListenUrl, settings.WebhookPath, receiver, loggerFactory, ct);
            return new OrdersSidecar(registry, receiver, server, odoo, intake, dispatcher, sidecarDatabase);
        }
        catch
        {
            foreach (var part in Enumerable.Reverse(parts))
            {
                await part.DisposeAsync();
            }

            odoo?.Dispose();
            registry.Dispose();
            throw;
        }
    }

    /// <summary>Orders per ledger status (pending, written, parked, ...).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountsAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_sidecarDatabase);
        await connection.OpenAsync(ct);
        return await ChannelOrderLedger.CountsAsync(connection, ct);
    }

    public async ValueTask DisposeAsync()
    {
        // Stop taking webhooks first (Shopify retries what it could not deliver), then the intake and the writer.
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
        await IntakeRunner.DisposeAsync();
        await Dispatcher.DisposeAsync();
        _odoo.Dispose();
        _registry.Dispose();
    }
}
