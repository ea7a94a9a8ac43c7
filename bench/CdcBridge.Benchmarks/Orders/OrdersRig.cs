using CdcBridge.Avro.Registry;
using CdcBridge.DevStack.Kafka;
using CdcBridge.DevStack.Odoo;
using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.DevStack.Postgres;
using CdcBridge.DevStack.SchemaRegistry;
using CdcBridge.Orders;
using CdcBridge.Orders.Dispatch;
using CdcBridge.Orders.Intake;
using CdcBridge.Orders.Ledger;
using CdcBridge.Orders.Lifecycle;
using CdcBridge.Orders.Odoo;
using CdcBridge.Orders.Writer;
using CdcBridge.Projections;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.Benchmarks.Orders;

/// <summary>
/// The Orders room in one process, every part real and embedded: PostgreSQL 15 (Odoo's seeded database and the
/// sidecar's), the 3-broker librdkafka mock cluster, the schema registry, the Odoo simulator on loopback; and, as
/// <c>OrdersSidecar</c> wires them, webhook receivers, the intake projection into the ledger and the dispatcher writing
/// through one throttled JSON-RPC client.
/// </summary>
internal sealed class OrdersRig : IAsyncDisposable
{
    private readonly string _folder;
    private readonly EmbeddedPostgres _postgres;
    private readonly EmbeddedKafka _kafka;
    private readonly List<IAsyncDisposable> _parts = [];
    private EmbeddedSchemaRegistry? _registryServer;
    private SchemaRegistryClient? _registry;
    private OdooJsonRpcClient? _odooClient;

    private OrdersRig(string folder, EmbeddedPostgres postgres, EmbeddedKafka kafka)
    {
        _folder = folder;
        _postgres = postgres;
        _kafka = kafka;
    }

    public string Odoo => _postgres.ConnectionString("odoo");

    public string Sidecar => _postgres.ConnectionString("cdcbridge");

    public string KafkaBootstrap => _kafka.BootstrapServers;

    public OdooSimulator Simulator { get; private set; } = null!;

    public SchemaRegistryClient Registry => _registry!;

    public OdooJsonRpcClient OdooClient => _odooClient!;

    public TimedOrderWriter? Writer { get; private set; }

    public OdooOrderDispatcher? Dispatcher { get; private set; }

    public static async Task<OrdersRig> StartAsync(SeedOptions seed, CancellationToken ct)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"cdcbridge-ordbench-{Guid.NewGuid():N}"[..36]);
        var postgres = await EmbeddedPostgres.StartAsync(Path.Combine(folder, "postgres"), ct);
        var rig = new OrdersRig(folder, postgres, EmbeddedKafka.Start(3));
        try
        {
            await postgres.CreateDatabaseIfMissingAsync("odoo", ct: ct);
            await postgres.CreateDatabaseIfMissingAsync("cdcbridge", ct: ct);
            await using (var odoo = new NpgsqlConnection(rig.Odoo))
            {
                await odoo.OpenAsync(ct);
                await OdooDatabase.CreateAsync(odoo, seed, ct);
                await StandardDelivery.InstallAsync(odoo, ct); // the shipping line's product, as `make run` installs it
            }

            await using (var sidecar = new NpgsqlConnection(rig.Sidecar))
            {
                await sidecar.OpenAsync(ct);
                await ChannelOrderLedger.EnsureAsync(sidecar, ct);
                await WebhookDeliveryLog.EnsureSchemaAsync(sidecar, ct);
            }

            rig._registryServer = await EmbeddedSchemaRegistry.StartAsync(rig.Sidecar, NullLoggerFactory.Instance, ct);
            rig._registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = rig._registryServer.Url });
            rig.Simulator = await OdooSimulator.StartAsync(new OdooSimulatorOptions { ConnectionString = rig.Odoo, Database = "odoo" }, null, ct);
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>A receiver on <paramref name="topic"/> (made here with 3 partitions, as OwnTopics makes the intake topic) behind its own webhook server.</summary>
    public async Task<WebhookServer> StartWebhooksAsync(string topic, CancellationToken ct)
    {
        _kafka.CreateTopic(topic, 3);
        var receiver = new ShopifyWebhookReceiver(new ShopifyWebhookOptions { Secrets = [ShopifyDeliveries.Secret], IntakeTopic = topic }, KafkaBootstrap, Registry,
            Sidecar, NullLogger.Instance);
        var server = await WebhookServer.StartAsync("http://127.0.0.1:0", "/webhooks", receiver, NullLoggerFactory.Instance, ct);
        _parts.Add(receiver);
        _parts.Add(server); // disposed in reverse: the server before its receiver
        return server;
    }

    /// <summary>The intake projection of <paramref name="topic"/> into the ledger, and the dispatcher writing the ledger into Odoo.</summary>
    public async Task StartPipelineAsync(string topic, OdooConnectionOptions odoo, OdooOrderDispatcherOptions dispatcher, CancellationToken ct)
    {
        var journal = new OrderLifecycleJournal(Registry, OrdersRoom.LifecycleTopic);
        var runner = new ProjectionRunner(new OrderIntakeProjector(topic, journal), new ProjectionOptions
        {
            KafkaBootstrap = KafkaBootstrap,
            ConnectionString = Sidecar,
            GroupPrefix = "ordbench",
        }, Registry, NullLogger.Instance);
        await runner.StartAsync(ct);
        _parts.Add(runner);

        _odooClient = new OdooJsonRpcClient(odoo);
        var writer = new OdooOrderWriter(_odooClient, new NoVariants(), new OdooOrderWriterOptions());
        Writer = new TimedOrderWriter(new StoreOrderWriters(new Dictionary<string, IChannelOrderWriter> { [ShopifyDeliveries.Shop] = writer }));
        Dispatcher = new OdooOrderDispatcher(Sidecar, Writer, journal, Registry, NullLogger.Instance, options: dispatcher);
        Dispatcher.Start();
        _parts.Add(Dispatcher);
    }

    public void CreateTopic(string topic, int partitions) => _kafka.CreateTopic(topic, partitions);

    /// <summary>Records on the topic (the receiver answers only after Kafka's ack, so this is final once the answers are in).</summary>
    public long RecordCount(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = KafkaBootstrap, GroupId = "ordbench-count" }).Build();
        return Enumerable.Range(0, 3).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    /// <summary>
    /// Storable, untracked SKUs (as the Orders tests pick them) with at least <paramref name="available"/> units free in
    /// the first warehouse's stock location, the one orders ship from, so every order confirms and reserves.
    /// </summary>
    public async Task<List<string>> StockedSkusAsync(int count, decimal available, CancellationToken ct) =>
        [.. (await RowsAsync(Odoo,
            """
            SELECT pp.default_code FROM product_product pp
            JOIN product_template pt ON pt.id = pp.product_tmpl_id
            JOIN stock_quant q ON q.product_id = pp.id
            JOIN stock_location l ON l.id = q.location_id
            WHERE pp.active IS TRUE AND pt.type = 'product' AND pt.tracking = 'none' AND pp.default_code IS NOT NULL AND l.usage = 'internal'
              AND l.parent_path LIKE (SELECT sl.parent_path FROM stock_warehouse w JOIN stock_location sl ON sl.id = w.lot_stock_id
                                      WHERE w.active IS NOT FALSE ORDER BY w.sequence, w.id LIMIT 1) || '%'
            GROUP BY pp.id, pp.default_code
            HAVING sum(q.quantity - q.reserved_quantity) >= $1
            ORDER BY pp.id LIMIT $2
            """, ct, available, count)).Select(r => (string)r[0]!)];

    public static async Task<List<object?[]>> RowsAsync(string connectionString, string sql, CancellationToken ct, params object[] args)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = arg });
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(ct))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = await reader.IsDBNullAsync(i, ct) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var part in Enumerable.Reverse(_parts))
        {
            await part.DisposeAsync();
        }

        _odooClient?.Dispose();
        _registry?.Dispose();
        if (Simulator is not null)
        {
            await Simulator.DisposeAsync();
        }

        if (_registryServer is not null)
        {
            await _registryServer.DisposeAsync();
        }

        _kafka.Dispose();
        NpgsqlConnection.ClearAllPools();
        await _postgres.StopAsync(CancellationToken.None);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }

    /// <summary>Lines carry their SKU, so the writer never asks Shopify for a variant's.</summary>
    private sealed class NoVariants : IVariantSkuResolver
    {
        public Task<string?> SkuOfVariantAsync(string shopDomain, long variantId, CancellationToken ct) => Task.FromResult<string?>(null);
    }
}
