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
using NpgsqlTypes;

namespace CdcBridge.Inventory.Tests;

/// <summary>
/// What a test may add to the pipeline's default configuration (the simulator's store selling warehouse WH at its
/// Portland location, no safety stock, no other store).
/// </summary>
internal sealed record AvailabilityPipelineOptions
{
    /// <summary>An Odoo database the test already created (a clone of the test retailer); null: a new one.</summary>
    public string? OdooDatabase { get; init; }

    /// <summary>Safety stock of the simulator's store at its Portland location.</summary>
    public decimal SafetyStock { get; init; }

    public IReadOnlyDictionary<string, decimal> SafetyStockBySku { get; init; } = new Dictionary<string, decimal>();

    /// <summary>
    /// Further stores the projector computes values for. They have no simulator or dispatcher (their outbox rows stay
    /// queued); their channel orders on the intake topic count as pending where their order warehouse is.
    /// </summary>
    public IReadOnlyList<StoreTarget> OtherStores { get; init; } = [];
}

/// <summary>How <see cref="AvailabilityPipeline.RestartProjectionAsync"/> starts the new projector and runner.</summary>
internal sealed record ProjectionRestart
{
    /// <summary>The projector's catch-up threshold (<see cref="AvailabilityProjectorOptions.CatchUpThreshold"/>).</summary>
    public long CatchUpThreshold { get; init; } = new AvailabilityProjectorOptions().CatchUpThreshold;

    public int MaxBatchSize { get; init; } = 2_000;

    /// <summary>The runner's batch size while far behind (<see cref="ProjectionOptions.CatchUpBatchSize"/>).</summary>
    public int CatchUpBatchSize { get; init; } = 20_000;

    /// <summary>How long the runner being replaced may finish its batch in flight before it is aborted (rolled back).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Wraps the new projector before the runner gets it (e.g. to fail at a chosen batch); null: the projector itself.</summary>
    public Func<AvailabilityProjector, IProjector>? Wrap { get; init; }
}

/// <summary>
/// The whole availability path for one test, on its own names: an Odoo database (the test retailer), the embedded
/// capture, the projection runner, a Shopify simulator seeded from the Odoo database, the dispatcher and the
/// analytics relay. The store sells warehouse WH at the Shopify location named after it.
/// </summary>
internal sealed class AvailabilityPipeline : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _parts = [];
    private readonly List<IDisposable> _disposables = [];
    private ISchemaRegistryClient? _registry;
    private ProjectionOptions? _runnerOptions;

    public required string Odoo { get; init; }

    public required string Sidecar { get; init; }

    public required ShopifySimulator Shopify { get; init; }

    /// <summary>The projection runner (replaced by <see cref="RestartProjectionAsync"/>).</summary>
    public ProjectionRunner Runner { get; private set; } = null!;

    public AvailabilityProjector Projector { get; private set; } = null!;

    /// <summary>The options the projector was started with (topic prefix, intake and analytics topics).</summary>
    public AvailabilityProjectorOptions ProjectorOptions { get; private set; } = new();

    public required ShopifyDispatcher Dispatcher { get; init; }

    public required string AnalyticsTopic { get; init; }

    public required long WarehouseLocationId { get; init; }

    /// <summary>The change capture of the Odoo database (its acknowledged LSN tells what Kafka holds).</summary>
    public EmbeddedCapture? Capture { get; init; }

    /// <summary>The channel order intake topic the projector reads.</summary>
    public string IntakeTopic { get; init; } = "";

    /// <summary>Every store the projector computes for: the simulator's first, then the options' other stores.</summary>
    public IReadOnlyList<StoreTarget> Stores { get; init; } = [];

    public static Task<AvailabilityPipeline> StartAsync(RegistryInfrastructure fixture, CancellationToken ct) =>
        StartAsync(fixture, new AvailabilityPipelineOptions(), ct);

    public static async Task<AvailabilityPipeline> StartAsync(RegistryInfrastructure fixture, AvailabilityPipelineOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var infra = fixture.Infrastructure;
        var prefix = UniqueName.For("av")[..15];
        var odoo = options.OdooDatabase ?? await infra.CreateOdooDatabaseAsync(ct);
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

        var portlandTarget = new LocationTarget(portland.Id, portland.Name, ["WH"], []) { SafetyStock = options.SafetyStock, SafetyStockBySku = options.SafetyStockBySku };
        StoreTarget[] stores = [new StoreTarget(shop, [portlandTarget], SkuAssortment.All), .. options.OtherStores];
        var projectorOptions = new AvailabilityProjectorOptions { CdcTopicPrefix = prefix, IntakeTopic = intake, AnalyticsTopic = analytics };
        var projector = new AvailabilityProjector(projectorOptions, stores, registry, NullLogger.Instance);
        var runnerOptions = new ProjectionOptions
        {
            KafkaBootstrap = infra.KafkaBootstrap,
            ConnectionString = sidecar,
            GroupPrefix = prefix,
        };
        var runner = new ProjectionRunner(projector, runnerOptions, registry, NullLogger.Instance);
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
            ProjectorOptions = projectorOptions,
            _registry = registry,
            _runnerOptions = runnerOptions,
            Dispatcher = dispatcher,
            AnalyticsTopic = analytics,
            WarehouseLocationId = portland.Id,
            Capture = capture,
            IntakeTopic = intake,
            Stores = stores,
        };
        pipeline._parts.AddRange(parts);
        pipeline._disposables.AddRange(disposables);
        return pipeline;
    }

    /// <summary>Stops the projection runner; the rest of the pipeline (capture, dispatcher, relay) keeps running.</summary>
    public async Task StopProjectionAsync() => await Runner.DisposeAsync();

    /// <summary>
    /// Stops the projection runner as a crash would (the projector's memory is lost; a batch still in flight after the
    /// drain timeout is rolled back) and starts a new projector and runner on the same sidecar database, topics and
    /// consumer group: they go on from the stored positions.
    /// </summary>
    public async Task RestartProjectionAsync(ProjectionRestart restart, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(restart);
        var old = Runner;
        var options = _runnerOptions! with { MaxBatchSize = restart.MaxBatchSize, CatchUpBatchSize = restart.CatchUpBatchSize, DrainTimeout = restart.DrainTimeout };
        await old.DisposeAsync();
        var projectorOptions = ProjectorOptions with { CatchUpThreshold = restart.CatchUpThreshold };
        var projector = new AvailabilityProjector(projectorOptions, Stores, _registry!, NullLogger.Instance);
        var runner = new ProjectionRunner(restart.Wrap?.Invoke(projector) ?? projector, options, _registry!, NullLogger.Instance);
        _parts[_parts.IndexOf(old)] = runner;
        Projector = projector;
        Runner = runner;
        await runner.StartAsync(ct);
    }

    /// <summary>Waits until the projection has applied the snapshot and Shopify holds every value it computed.</summary>
    public async Task SettleAsync(CancellationToken ct)
    {
        await Runner.WaitForCaughtUpAsync(TimeSpan.FromSeconds(120), ct);
        await Dispatcher.WaitUntilDrainedAsync(TimeSpan.FromSeconds(120), ct);
    }

    /// <summary>
    /// Waits for quiescence after the test's last write: the capture has every change committed so far in Kafka (its
    /// acknowledged LSN passed the WAL position read now), the projection applied everything on its topics, and
    /// Shopify holds every value it computed.
    /// </summary>
    public async Task QuiesceAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        await CapturedAsync(timeout, ct);
        var left = deadline - DateTime.UtcNow;
        await Runner.WaitForCaughtUpAsync(left > TimeSpan.FromSeconds(5) ? left : TimeSpan.FromSeconds(5), ct);
        left = deadline - DateTime.UtcNow;
        await Dispatcher.WaitUntilDrainedAsync(left > TimeSpan.FromSeconds(5) ? left : TimeSpan.FromSeconds(5), ct);
    }

    /// <summary>Waits until the capture has every change committed in the Odoo database so far in Kafka.</summary>
    public async Task CapturedAsync(TimeSpan timeout, CancellationToken ct)
    {
        var capture = Capture ?? throw new InvalidOperationException("The pipeline was started without a capture.");
        var deadline = DateTime.UtcNow + timeout;
        await using (var db = new NpgsqlConnection(Odoo))
        {
            await db.OpenAsync(ct);
            NpgsqlLogSequenceNumber head;
            await using (var lsn = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()", db))
            {
                head = (NpgsqlLogSequenceNumber)(await lsn.ExecuteScalarAsync(ct))!;
            }

            // The capture confirms a transaction's end only once Kafka acknowledged it and everything before it. Every
            // change of ours ends before `head`; one more transaction in this database (the capture's own heartbeat
            // action) ends after it, so its acknowledgement proves ours.
            await using (var nudge = new NpgsqlCommand(
                "INSERT INTO cdcbridge_heartbeat (id, ts) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET ts = excluded.ts", db))
            {
                await nudge.ExecuteNonQueryAsync(ct);
            }

            while (capture.ConfirmedLsn < head)
            {
                if (capture.Completion.IsCompleted)
                {
                    await capture.Completion;
                    throw new InvalidOperationException("The capture stopped.");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"The capture did not acknowledge {head} within {timeout} (confirmed {capture.ConfirmedLsn}).");
                }

                await Task.Delay(10, ct); // polling the capture's acknowledged LSN, bounded by the deadline
            }
        }
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
