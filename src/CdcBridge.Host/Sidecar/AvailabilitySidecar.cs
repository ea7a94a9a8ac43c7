using CdcBridge.Avro.Registry;
using CdcBridge.Channels.Dispatch;
using CdcBridge.Channels.Outbox;
using CdcBridge.Channels.Shopify;
using CdcBridge.Host.Configuration;
using CdcBridge.Inventory;
using CdcBridge.Projections;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CdcBridge.Host.Sidecar;

/// <summary>
/// The Inventory and Channels rooms running together: the availability projection (one receive loop), one Shopify
/// dispatcher per store and the analytics relay. Stopping drains the projection's batch in flight, then stops the rest.
/// </summary>
internal sealed class AvailabilitySidecar : IAsyncDisposable
{
    private readonly List<HttpClient> _http = [];
    private readonly List<ShopifyInventoryClient> _clients = [];
    private readonly SchemaRegistryClient _registry;
    private readonly string _sidecarDatabase;

    private AvailabilitySidecar(SchemaRegistryClient registry, string sidecarDatabase, AvailabilityProjector projector, ProjectionRunner runner,
        IReadOnlyList<ShopifyDispatcher> dispatchers, AnalyticsRelay relay)
    {
        _registry = registry;
        _sidecarDatabase = sidecarDatabase;
        Projector = projector;
        Runner = runner;
        Dispatchers = dispatchers;
        Relay = relay;
    }

    public AvailabilityProjector Projector { get; }

    public ProjectionRunner Runner { get; }

    public IReadOnlyList<ShopifyDispatcher> Dispatchers { get; }

    public AnalyticsRelay Relay { get; }

    public IReadOnlyList<ShopifyInventoryClient> Clients => _clients;

    public static Task<AvailabilitySidecar> StartAsync(string kafkaBootstrap, string registryUrl, string sidecarDatabase, string epoch,
        IReadOnlyList<ShopifyStoreSettings> stores, ILoggerFactory loggerFactory, CancellationToken ct) =>
        StartAsync(kafkaBootstrap, registryUrl, sidecarDatabase, new ProjectionSection { Epoch = epoch }, stores, loggerFactory, ct);

    public static async Task<AvailabilitySidecar> StartAsync(string kafkaBootstrap, string registryUrl, string sidecarDatabase, ProjectionSection projection,
        IReadOnlyList<ShopifyStoreSettings> stores, ILoggerFactory loggerFactory, CancellationToken ct)
    {
        var registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = registryUrl });
        var projector = new AvailabilityProjector(
            new AvailabilityProjectorOptions
            {
                CdcTopicPrefix = projection.CdcTopicPrefix,
                IntakeTopic = projection.IntakeTopic,
                AnalyticsTopic = projection.AnalyticsTopic,
            },
            stores.Select(s => s.Target).ToList(), registry, loggerFactory.CreateLogger("cdcbridge.inventory"));
        var runner = new ProjectionRunner(projector, new ProjectionOptions
        {
            KafkaBootstrap = kafkaBootstrap,
            ConnectionString = sidecarDatabase,
            Epoch = projection.Epoch,
            GroupPrefix = projection.GroupPrefix,
        }, registry, loggerFactory.CreateLogger("cdcbridge.projections"));
        await runner.StartAsync(ct);
        var dispatchers = new List<ShopifyDispatcher>();
        var sidecar = new AvailabilitySidecar(registry, sidecarDatabase, projector, runner, dispatchers, new AnalyticsRelay(sidecarDatabase, kafkaBootstrap, loggerFactory.CreateLogger("cdcbridge.analytics")));
        foreach (var store in stores)
        {
            var http = new HttpClient();
            sidecar._http.Add(http);
            var client = new ShopifyInventoryClient(store.Store, http, new ShopifyClientOptions { Plan = store.Plan }, logger: loggerFactory.CreateLogger<ShopifyInventoryClient>());
            sidecar._clients.Add(client);
            var dispatcher = new ShopifyDispatcher(store.Target.ShopDomain, new ShopifyClientInventory(client), sidecarDatabase,
                store.Target.Locations.Select(l => l.ShopifyLocationId).ToList(), loggerFactory.CreateLogger("cdcbridge.shopify"),
                options: new ShopifyDispatcherOptions { SkuCacheTtl = store.SkuCacheTtl });
            dispatcher.Start();
            dispatchers.Add(dispatcher);
        }

        sidecar.Relay.Start();
        return sidecar;
    }

    /// <summary>Rows waiting in the Shopify outbox, per store.</summary>
    public async Task<IReadOnlyDictionary<string, long>> OutboxDepthAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_sidecarDatabase);
        await connection.OpenAsync(ct);
        return await ShopifyOutbox.DepthAsync(connection, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync();
        foreach (var dispatcher in Dispatchers)
        {
            await dispatcher.DisposeAsync();
        }

        await Relay.DisposeAsync();
        foreach (var http in _http)
        {
            http.Dispose();
        }

        _registry.Dispose();
    }
}
