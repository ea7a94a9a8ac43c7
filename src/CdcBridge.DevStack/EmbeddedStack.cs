using CdcBridge.Avro.Registry;
using CdcBridge.Capture;
using CdcBridge.Debezium;
using CdcBridge.DevStack.Kafka;
using CdcBridge.DevStack.Odoo;
using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.DevStack.Postgres;
using CdcBridge.DevStack.SchemaRegistry;
using CdcBridge.DevStack.Shopify;
using CdcBridge.DevStack.Topics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CdcBridge.DevStack;

/// <summary>
/// The embedded default world: PostgreSQL holding Odoo's database (<c>odoo</c>) and the sidecar's (<c>cdcbridge</c>),
/// a Kafka-protocol broker cluster with CdcBridge's topics, and a Schema Registry (schemas kept in <c>cdcbridge</c>)
/// with their schemas. The broker is ephemeral (in memory); the databases and the registry survive a restart.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "\"The embedded stack\" is the domain term (DESIGN.md).")]
public sealed partial class EmbeddedStack : IAsyncDisposable
{
    public const string OdooDatabase = "odoo";
    public const string SidecarDatabase = "cdcbridge";

    private readonly ILogger _logger;
    private readonly string _stateDirectory;

    private EmbeddedStack(string stateDirectory, EmbeddedPostgres postgres, EmbeddedKafka kafka, ILogger logger)
    {
        _stateDirectory = stateDirectory;
        Postgres = postgres;
        Kafka = kafka;
        _logger = logger;
        Endpoints = new StackEndpoints
        {
            Kafka = new(kafka.BootstrapServers),
            Postgres = new(postgres.ConnectionString(OdooDatabase), postgres.ConnectionString(SidecarDatabase)),
        };
    }

    public EmbeddedSchemaRegistry? Registry { get; private set; }

    /// <summary>The embedded change capture of the odoo database into odoo.public.* topics, restarted from its slot when it stops on an error.</summary>
    public CaptureSupervisor? Capture { get; private set; }

    private SchemaRegistryClient? _captureRegistry;

    /// <summary>The Shopify store simulator, seeded with one location per Odoo warehouse and one variant per storable SKU.</summary>
    public ShopifySimulator? Shopify { get; private set; }

    /// <summary>Odoo's JSON-RPC external API over the odoo database (dev credentials in <see cref="StackEndpoints.Odoo"/>).</summary>
    public OdooSimulator? OdooSimulator { get; private set; }

    public EmbeddedPostgres Postgres { get; }

    public EmbeddedKafka Kafka { get; }

    public StackEndpoints Endpoints { get; private set; }

    public SeedSummary? Seeded { get; private set; }

    /// <summary>
    /// Announces the sidecar's webhook receiver (it starts after the stack): the Shopify simulator delivers its order
    /// webhooks there, and endpoints.json lists it.
    /// </summary>
    public async Task PublishWebhooksAsync(string webhooksUrl, CancellationToken ct)
    {
        Shopify?.SubscribeWebhooks(new Uri(webhooksUrl + "/shopify"));
        Endpoints = Endpoints with { Webhooks = new(webhooksUrl) };
        await Endpoints.WriteAsync(_stateDirectory, ct);
    }

    public static async Task<EmbeddedStack> StartAsync(StackOptions options, ILoggerFactory loggerFactory, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger("cdcbridge.dev");
        ArgumentNullException.ThrowIfNull(options);
        var state = Path.GetFullPath(options.StateDirectory);
        Directory.CreateDirectory(state);
        var pgRoot = Path.Combine(state, "postgres");

        LogStarting(logger, "PostgreSQL", pgRoot);
        var postgres = await EmbeddedPostgres.StartAsync(pgRoot, ct);
        EmbeddedKafka? kafka = null;
        try
        {
            kafka = EmbeddedKafka.Start(options.KafkaBrokers);
            var stack = new EmbeddedStack(state, postgres, kafka, logger);
            try
            {
                await stack.PrepareDatabasesAsync(options, ct);
                await stack.StartRegistryAsync(loggerFactory, ct);
                await stack.StartCaptureAsync(loggerFactory, ct);
                await stack.StartShopifyAsync(loggerFactory, ct);
                await stack.StartOdooAsync(loggerFactory, ct);
                await stack.Endpoints.WriteAsync(state, ct);
                return stack;
            }
            catch
            {
                await stack.DisposeAsync();
                kafka = null;
                throw;
            }
        }
        catch
        {
            kafka?.Dispose();
            await postgres.StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>The registry, CdcBridge's topics on the (new, empty) broker and their schemas.</summary>
    private async Task StartRegistryAsync(ILoggerFactory loggerFactory, CancellationToken ct)
    {
        Registry = await EmbeddedSchemaRegistry.StartAsync(Postgres.ConnectionString(SidecarDatabase), loggerFactory, ct);
        Endpoints = Endpoints with { SchemaRegistry = new(Registry.Url) };
        OwnTopics.CreateOn(Kafka);
        using var client = new SchemaRegistryClient(new SchemaRegistryOptions { Url = Registry.Url });
        await OwnTopics.RegisterAsync(client, ct);
        LogRegistry(_logger, Registry.Url, OwnTopics.Partitions.Count);
    }

    /// <summary>
    /// Capture starts with a fresh snapshot every time: the embedded broker forgot the topics, so the slot is dropped
    /// and the odoo database is read again (DESIGN: every start comes up consistent). The stack is up once the
    /// snapshot is in Kafka. Supervised as in <c>cdcbridge run</c>: a capture stopped later by an error (a broken
    /// connection, a refused record) starts again from its slot, the broker still holding what it took.
    /// </summary>
    private async Task StartCaptureAsync(ILoggerFactory loggerFactory, CancellationToken ct)
    {
        _captureRegistry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = Registry!.Url });
        Capture = await CaptureSupervisor.StartAsync(new CaptureOptions
        {
            ConnectionString = Postgres.ConnectionString(OdooDatabase),
            KafkaBootstrap = Kafka.BootstrapServers,
            Registry = _captureRegistry,
            Settings = CaptureSettings.Odoo,
            FreshSnapshot = true,
        }, loggerFactory.CreateLogger("cdcbridge.capture"), ct: ct);
        var first = await Task.WhenAny(Capture.Current.SnapshotCompleted, Capture.Current.Completion).WaitAsync(TimeSpan.FromMinutes(10), ct);
        await first; // a capture that failed during the snapshot fails the start with its reason (DisposeAsync stops the supervisor)
    }

    /// <summary>A fresh store on every start (the simulator keeps its state in memory), seeded from the odoo database.</summary>
    private async Task StartShopifyAsync(ILoggerFactory loggerFactory, CancellationToken ct)
    {
        ShopifyCatalog catalog;
        await using (var odoo = new NpgsqlConnection(Postgres.ConnectionString(OdooDatabase)))
        {
            await odoo.OpenAsync(ct);
            catalog = await ShopifyCatalog.FromOdooAsync(odoo, ct);
        }

        Shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { Catalog = catalog }, loggerFactory, ct);
        Endpoints = Endpoints with { Shopify = new(Shopify.Url, Shopify.ShopDomain, Shopify.ApiVersion, Shopify.AccessToken) { WebhookSecret = Shopify.WebhookSecret } };
    }

    /// <summary>The Odoo simulator on the odoo database; its login and password are fixed dev-only values (the simulator listens on loopback).</summary>
    private async Task StartOdooAsync(ILoggerFactory loggerFactory, CancellationToken ct)
    {
        OdooSimulator = await OdooSimulator.StartAsync(new OdooSimulatorOptions { ConnectionString = Postgres.ConnectionString(OdooDatabase), Database = OdooDatabase },
            loggerFactory, ct);
        Endpoints = Endpoints with { Odoo = new(OdooSimulator.Url, OdooSimulator.Database, OdooSimulator.Login, OdooSimulator.Password) };
    }

    private async Task PrepareDatabasesAsync(StackOptions options, CancellationToken ct)
    {
        if (options.Reset)
        {
            await using var admin = new NpgsqlConnection(Postgres.ConnectionString("postgres"));
            await admin.OpenAsync(ct);
            foreach (var db in new[] { OdooDatabase, SidecarDatabase })
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync(ct);
            }
        }

        await Postgres.CreateDatabaseIfMissingAsync(SidecarDatabase, ct: ct);
        await Postgres.CreateDatabaseIfMissingAsync(OdooDatabase, ct: ct);
        await using var odoo = new NpgsqlConnection(Postgres.ConnectionString(OdooDatabase));
        await odoo.OpenAsync(ct);
        if (await OdooSchema.IsInstalledAsync(odoo, ct))
        {
            LogKeptOdoo(_logger);
            await StandardDelivery.InstallAsync(odoo, ct); // a database kept from before the order writer existed
            await SaleTaxes.InstallAsync(odoo, ct); // or from before it wrote taxes: without them every taxed order parks
            return;
        }

        Seeded = await Odoo.OdooDatabase.CreateAsync(odoo, options.Seed, ct);
        LogSeeded(_logger, Seeded!.Products, Seeded.Quants, Seeded.SaleOrders, Seeded.Warehouses);

        // A web shop's Odoo has the delivery module: the order writer books Shopify's shipping lines on its product.
        await StandardDelivery.InstallAsync(odoo, ct);
    }

    public async ValueTask DisposeAsync()
    {
        File.Delete(StackEndpoints.PathIn(_stateDirectory));
        if (OdooSimulator is not null)
        {
            await OdooSimulator.DisposeAsync();
        }

        if (Shopify is not null)
        {
            await Shopify.DisposeAsync();
        }

        if (Capture is not null)
        {
            await Capture.DisposeAsync();
        }

        _captureRegistry?.Dispose();
        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        Kafka.Dispose();
        await Postgres.StopAsync();
    }

    [LoggerMessage(1, LogLevel.Information, "Starting {Part} in {Directory}")]
    private static partial void LogStarting(ILogger logger, string part, string directory);

    [LoggerMessage(2, LogLevel.Information, "Kept the existing odoo database (use --reset to seed a new one)")]
    private static partial void LogKeptOdoo(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Schema Registry on {Url}; created and registered {Topics} CdcBridge topics")]
    private static partial void LogRegistry(ILogger logger, string url, int topics);

    [LoggerMessage(3, LogLevel.Information, "Seeded odoo: {Products} products, {Quants} quants, {Orders} sale orders, {Warehouses} warehouses")]
    private static partial void LogSeeded(ILogger logger, int products, int quants, int orders, int warehouses);
}
