using CdcBridge.Avro.Registry;
using CdcBridge.Capture;
using CdcBridge.Channels.Dispatch;
using CdcBridge.Channels.Outbox;
using CdcBridge.Channels.Shopify;
using CdcBridge.Debezium;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Projections;
using CdcBridge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.Inventory.Tests;

/// <summary>
/// The whole availability path for one test, on its own names: an Odoo database (the test retailer), the embedded
/// capture, the projection runner, a Shopify simulator seeded from the Odoo database, the dispatcher and the
/// analytics relay. The store sells warehouse WH at the Shopify location named after it.
/// </summary>
internal sealed class AvailabilityPipeline : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _parts = [];
    private readonly List<IDisposable> _disposables = [];

    public required string Odoo { get; init; }

    public required string Sidecar { get; init; }

    public required ShopifySimulator Shopify { get; init; }

    public required ProjectionRunner Runner { get; init; }

    public required AvailabilityProjector Projector { get; init; }

    public required ShopifyDispatcher Dispatcher { get; init; }

    public required string AnalyticsTopic { get; init; }

    public required long WarehouseLocationId { get; init; }

    public static async Task<AvailabilityPipeline> StartAsync(RegistryInfrastructure fixture, CancellationToken ct)
    {
        var infra = fixture.Infrastructure;
        var prefix = UniqueName.For("av")[..15];
        var odoo = await infra.CreateOdooDatabaseAsync(ct);
        var sidecar = await infra.CreateEmptyDatabaseAsync(ct);
        var intake = $"{prefix}.intake";
        var analytics = $"{prefix}.availability";
        await infra.CreateTopicAsync(intake, 3, ct);
        await infra.CreateTopicAsync(analytics, 3, ct);
        var parts = new List<IAsyncDisposable>();
        var disposables = new List<IDisposable>();
        var registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = fixture.RegistryUrl });
        disposables.Add(registry);

        var capture = await EmbeddedCapture.StartAsync(new CaptureOptions
        {
            ConnectionString = odoo,
            KafkaBootstrap = infra.KafkaBootstrap,
            Registry = registry,
            Settings = CaptureSettings.Odoo with { TopicPrefix = prefix, SlotName = prefix },
            FreshSnapshot = true,
        }, NullLogger.Instance, ct);
        parts.Add(capture);
        await (await Task.WhenAny(capture.SnapshotCompleted, capture.Completion)).WaitAsync(TimeSpan.FromSeconds(60), ct);

        ShopifyCatalog catalog;
        await using (var connection = new NpgsqlConnection(odoo))
        {
            await connection.OpenAsync(ct);
            catalog = await ShopifyCatalog.FromOdooAsync(connection, ct);
        }

        var shop = $"{prefix.Replace('_', '-')}.myshopify.com";
        var simulator = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { ShopDomain = shop, Catalog = catalog, Plan = ShopifyPlan.Plus }, null, ct);
        parts.Add(simulator);
        var http = new HttpClient();
        disposables.Add(http);
        var client = new ShopifyInventoryClient(new ShopifyStore(shop, new Uri(simulator.Url), simulator.ApiVersion, simulator.AccessToken), http);
        var locations = await client.GetLocationsAsync(ct);
        var portland = locations.Single(l => l.Name == "Portland Warehouse");

        var stores = new[] { new StoreTarget(shop, [new LocationTarget(portland.Id, portland.Name, ["WH"], [])], SkuAssortment.All) };
        var projector = new AvailabilityProjector(
            new AvailabilityProjectorOptions { CdcTopicPrefix = prefix, IntakeTopic = intake, AnalyticsTopic = analytics }, stores, registry, NullLogger.Instance);
        var runner = new ProjectionRunner(projector, new ProjectionOptions
        {
            KafkaBootstrap = infra.KafkaBootstrap,
            ConnectionString = sidecar,
            GroupPrefix = prefix,
        }, registry, NullLogger.Instance);
        await runner.StartAsync(ct);
        parts.Insert(0, runner);

        var dispatcher = new ShopifyDispatcher(shop, new ShopifyClientInventory(client), sidecar, [portland.Id], NullLogger.Instance);
        dispatcher.Start();
        parts.Insert(0, dispatcher);
        var relay = new AnalyticsRelay(sidecar, infra.KafkaBootstrap, NullLogger.Instance);
        relay.Start();
        parts.Insert(0, relay);

        var pipeline = new AvailabilityPipeline
        {
            Odoo = odoo,
            Sidecar = sidecar,
            Shopify = simulator,
            Runner = runner,
            Projector = projector,
            Dispatcher = dispatcher,
            AnalyticsTopic = analytics,
            WarehouseLocationId = portland.Id,
        };
        pipeline._parts.AddRange(parts);
        pipeline._disposables.AddRange(disposables);
        return pipeline;
    }

    /// <summary>Waits until the projection has applied the snapshot and Shopify holds every value it computed.</summary>
    public async Task SettleAsync(CancellationToken ct)
    {
        await Runner.WaitForCaughtUpAsync(TimeSpan.FromSeconds(120), ct);
        await Dispatcher.WaitUntilDrainedAsync(TimeSpan.FromSeconds(120), ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var part in _parts)
        {
            await part.DisposeAsync();
        }

        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }
}
