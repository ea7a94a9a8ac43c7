using CdcBridge.Avro.Registry;
using CdcBridge.Channels.Dispatch;
using CdcBridge.Channels.Outbox;
using CdcBridge.Channels.Shopify;
using CdcBridge.DevStack;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Inventory;
using CdcBridge.Projections;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.Benchmarks.Availability;

/// <summary>
/// The availability sidecar as <c>cdcbridge dev</c> wires it (src/CdcBridge.Host/Sidecar/AvailabilitySidecar.cs, which is
/// internal to the host): one projection runner with the availability projector, one Shopify dispatcher for the
/// simulator's store (every location fed by the Odoo warehouse of the same name, as DevStores maps them) and the
/// analytics relay, with the options the host gives them (the store's plan seeds the client's bucket). The only
/// differences are two pass-through observers: the projector is wrapped by <see cref="StageProbe"/> and the
/// dispatcher's Shopify seam by <see cref="RecordingShopifyInventory"/>.
/// </summary>
internal sealed class BenchSidecar : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly SchemaRegistryClient _registry;

    private BenchSidecar(HttpClient http, SchemaRegistryClient registry, StoreTarget target, AvailabilityProjector projector, StageProbe probe,
        ProjectionRunner runner, ShopifyDispatcher dispatcher, RecordingShopifyInventory recorder, AnalyticsRelay relay)
    {
        _http = http;
        _registry = registry;
        Target = target;
        Projector = projector;
        Probe = probe;
        Runner = runner;
        Dispatcher = dispatcher;
        Recorder = recorder;
        Relay = relay;
    }

    public StoreTarget Target { get; }

    public AvailabilityProjector Projector { get; }

    /// <summary>The projector as the runner sees it: stage times of every stock_quant record.</summary>
    public StageProbe Probe { get; }

    public ProjectionRunner Runner { get; }

    public ShopifyDispatcher Dispatcher { get; }

    public RecordingShopifyInventory Recorder { get; }

    public AnalyticsRelay Relay { get; }

    public static async Task<BenchSidecar> StartAsync(EmbeddedStack stack, ShopifySimulator shopify, ShopifyPlan shopifyPlan, CancellationToken ct)
    {
        var registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = stack.Endpoints.SchemaRegistry!.Url });
        var http = new HttpClient();
        var store = new ShopifyStore(shopify.ShopDomain, new Uri(shopify.Url), shopify.ApiVersion, shopify.AccessToken);
        var target = await StoreTargetAsync(stack, store, http, ct);
        var projector = new AvailabilityProjector(new AvailabilityProjectorOptions(), [target], registry, NullLogger.Instance);
        var probe = new StageProbe(projector, $"{new AvailabilityProjectorOptions().CdcTopicPrefix}.public.stock_quant");
        var runner = new ProjectionRunner(probe, new ProjectionOptions
        {
            KafkaBootstrap = stack.Endpoints.Kafka.Bootstrap,
            ConnectionString = stack.Endpoints.Postgres.Sidecar,
            Epoch = Guid.NewGuid().ToString("N"),
        }, registry, NullLogger.Instance);
        await runner.StartAsync(ct);
        // The plan seeds the client's bucket estimate, as a configured store's plan does (the dev store configures none).
        var plan = Enum.Parse<ShopifyStorePlan>(shopifyPlan.ToString());
        var recorder = new RecordingShopifyInventory(new ShopifyClientInventory(new ShopifyInventoryClient(store, http, new ShopifyClientOptions { Plan = plan })));
        var dispatcher = new ShopifyDispatcher(store.ShopDomain, recorder, stack.Endpoints.Postgres.Sidecar,
            target.Locations.Select(l => l.ShopifyLocationId).ToList(), NullLogger.Instance);
        dispatcher.Start();
        var relay = new AnalyticsRelay(stack.Endpoints.Postgres.Sidecar, stack.Endpoints.Kafka.Bootstrap, NullLogger.Instance);
        relay.Start();
        return new BenchSidecar(http, registry, target, projector, probe, runner, dispatcher, recorder, relay);
    }

    /// <summary>Each Shopify location named after an active Odoo warehouse sells that warehouse's stock.</summary>
    private static async Task<StoreTarget> StoreTargetAsync(EmbeddedStack stack, ShopifyStore store, HttpClient http, CancellationToken ct)
    {
        var warehouses = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var odoo = new NpgsqlConnection(stack.Endpoints.Postgres.Odoo))
        {
            await odoo.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT name, code FROM stock_warehouse WHERE active", odoo);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                warehouses[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var locations = await new ShopifyInventoryClient(store, http).GetLocationsAsync(ct);
        var targets = locations.Where(l => warehouses.ContainsKey(l.Name)).Select(l => new LocationTarget(l.Id, l.Name, [warehouses[l.Name]], [])).ToList();
        return new StoreTarget(store.ShopDomain, targets, SkuAssortment.All);
    }

    /// <summary>The projection has applied everything in the topics and the store's outbox is empty.</summary>
    public async Task SettleAsync(TimeSpan timeout, CancellationToken ct)
    {
        await Runner.WaitForCaughtUpAsync(timeout, ct);
        await Dispatcher.WaitUntilDrainedAsync(timeout, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync();
        await Dispatcher.DisposeAsync();
        await Relay.DisposeAsync();
        _http.Dispose();
        _registry.Dispose();
    }
}
