using CdcBridge.Channels.Dispatch;
using CdcBridge.Channels.Outbox;
using CdcBridge.Channels.Shopify;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.Channels.Tests.Dispatch;

/// <summary>
/// One store's dispatch path for one test: its own sidecar database with the channels tables, a Shopify simulator
/// with a catalog built in code, and dispatchers started on demand, each with its own HTTP client and
/// <see cref="ShopifyInventoryClient"/> (a new one has nothing in memory, as after a process restart). Rows reach the
/// outbox the way the projection writes them: <see cref="ShopifyOutbox.AppendAsync"/> in a transaction, then commit.
/// </summary>
internal sealed class DispatchHarness : IAsyncDisposable
{
    public const string SetQuantities = "inventorySetQuantities";

    /// <summary>
    /// The dispatcher test classes run one after the other: call counts and the cost bucket's pacing depend on timing,
    /// and two cores shared with a pacing test would blur them.
    /// </summary>
    public const string Serial = "Shopify dispatcher";

    private static int Shops;
    private readonly List<ShopifyDispatcher> _running = [];
    private readonly List<HttpClient> _http = [];
    private readonly Dictionary<ShopifyDispatcher, ShopifyInventoryClient> _clients = [];

    private DispatchHarness(string sidecar, ShopifySimulator simulator)
    {
        Sidecar = sidecar;
        Simulator = simulator;
    }

    /// <summary>Short retries, and a circuit that never opens, so a test's failures are the ones it injects.</summary>
    public static ShopifyClientOptions FastRetries { get; } = new()
    {
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        ThrottleJitter = TimeSpan.FromMilliseconds(5),
        CircuitMinimumThroughput = 100_000,
    };

    /// <summary>The sidecar database's connection string.</summary>
    public string Sidecar { get; }

    public ShopifySimulator Simulator { get; }

    public string Shop => Simulator.ShopDomain;

    public static long Location(int n) => ShopifyCatalog.LocationIdBase + n;

    /// <summary>A store with <paramref name="locations"/> locations (ids <see cref="Location"/>(1..n)) and the SKUs, on the Plus plan unless configured.</summary>
    public static async Task<DispatchHarness> StartAsync(
        RegistryInfrastructure fixture,
        int locations,
        IEnumerable<string> skus,
        Func<ShopifySimulatorOptions, ShopifySimulatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var ct = TestContext.Current.CancellationToken;
        var sidecar = await fixture.Infrastructure.CreateEmptyDatabaseAsync(ct);
        await using (var connection = new NpgsqlConnection(sidecar))
        {
            await connection.OpenAsync(ct);
            await ChannelsSchema.EnsureAsync(connection, ct);
        }

        var options = new ShopifySimulatorOptions
        {
            ShopDomain = $"dispatch-{Interlocked.Increment(ref Shops)}-{Guid.NewGuid():N}"[..30] + ".myshopify.com",
            Catalog = ShopifyCatalog.Create(Enumerable.Range(1, locations).Select(i => $"Location {i}"), skus),
            Plan = ShopifyPlan.Plus,
        };
        var simulator = await ShopifySimulator.StartAsync(configure?.Invoke(options) ?? options, ct: ct);
        return new DispatchHarness(sidecar, simulator);
    }

    /// <summary>
    /// Starts a new dispatcher for every location of the shop: new HTTP client, new Shopify client (its bucket estimate
    /// starts empty), new dispatcher (no SKU, level or key state), as a restarted process would.
    /// </summary>
    public ShopifyDispatcher StartDispatcher(ShopifyClientOptions? clientOptions = null, HttpMessageHandler? handler = null, ShopifyDispatcherOptions? options = null,
        Func<IShopifyInventory, IShopifyInventory>? wrap = null, TimeProvider? time = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Add(http);
        var store = new ShopifyStore(Shop, new Uri(Simulator.Url), Simulator.ApiVersion, Simulator.AccessToken);
        var client = new ShopifyInventoryClient(store, http, clientOptions ?? FastRetries);
        var locations = Simulator.Inventory().Select(r => ShopifyGid.TryParse(r.LocationId, "Location")!.Value).Distinct().Order().ToList();
        IShopifyInventory inventory = new ShopifyClientInventory(client);
        var dispatcher = new ShopifyDispatcher(Shop, wrap?.Invoke(inventory) ?? inventory, Sidecar, locations, NullLogger.Instance, time, options);
        dispatcher.Start();
        _running.Add(dispatcher);
        _clients[dispatcher] = client;
        return dispatcher;
    }

    /// <summary>The Shopify client a dispatcher of this harness talks through (its counters and bucket estimate).</summary>
    public ShopifyInventoryClient ClientOf(ShopifyDispatcher dispatcher) => _clients[dispatcher];

    /// <summary>Stops a dispatcher the way a crash would leave things: whatever it had not finished stays in the outbox.</summary>
    public async Task StopAsync(ShopifyDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        _running.Remove(dispatcher);
        await dispatcher.DisposeAsync();
    }

    /// <summary>One transaction of the projection: the pushes appended to the outbox (with its NOTIFY), then committed.</summary>
    public Task CommitAsync(params (string Sku, long Location, int OnHand)[] pushes) => CommitEachAsync([pushes]);

    /// <summary>One transaction per batch, in order, on one connection (the projection's commits in quick succession).</summary>
    public async Task CommitEachAsync(IEnumerable<IReadOnlyList<(string Sku, long Location, int OnHand)>> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(Sidecar);
        await connection.OpenAsync(ct);
        foreach (var batch in batches)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            var committedAt = DateTimeOffset.UtcNow;
            await ShopifyOutbox.AppendAsync(connection, tx, batch.Select(p => new ShopifyPush(Shop, p.Sku, p.Location, p.OnHand, committedAt)).ToList(), ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>Rows of this shop still in the outbox.</summary>
    public async Task<long> OutboxDepthAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(Sidecar);
        await connection.OpenAsync(ct);
        var depth = await ShopifyOutbox.DepthAsync(connection, ct);
        return depth.GetValueOrDefault(Shop);
    }

    public async Task<IReadOnlyList<ParkedPush>> ParkedAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(Sidecar);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT sku, location_id, on_hand, code, reason FROM channels.shopify_parked WHERE shop_domain = $1 ORDER BY sku, location_id", connection);
        command.Parameters.Add(new() { Value = Shop });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var parked = new List<ParkedPush>();
        while (await reader.ReadAsync(ct))
        {
            parked.Add(new ParkedPush(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4)));
        }

        return parked;
    }

    /// <summary>The simulator's last request sequence number (a mark to look at what came after).</summary>
    public long Mark()
    {
        var log = Simulator.Requests();
        return log.Count == 0 ? 0 : log[^1].Seq;
    }

    /// <summary>inventorySetQuantities calls Shopify received after <paramref name="since"/>, whatever their answer.</summary>
    public IReadOnlyList<ShopifySimRequest> SetCalls(long since = 0) =>
        Simulator.Requests(since).Where(r => r.RootFields.Contains(SetQuantities)).ToList();

    /// <summary>A call that changed Shopify's state (applied; also when its answer was then lost), as opposed to a replay, no-op or rejection.</summary>
    public static bool ChangedState(ShopifySimRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Outcome is "applied" or "failAfterApply:applied";
    }

    public ShopifySimInventoryRow Level(string sku, long location) => Simulator.Level(sku, location);

    /// <summary>Waits, on the dispatcher's cycles (not on time), until <paramref name="condition"/> holds.</summary>
    public static async Task UntilAsync(ShopifyDispatcher dispatcher, Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(condition);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var next = dispatcher.NextCycle; // taken before the check: a cycle that ends in between is not missed
            if (condition())
            {
                return;
            }

            try
            {
                await next.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Not within {timeout ?? TimeSpan.FromSeconds(30)}: {what}.");
            }
        }
    }

    public static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    public async ValueTask DisposeAsync()
    {
        foreach (var dispatcher in _running)
        {
            await dispatcher.DisposeAsync();
        }

        _running.Clear();
        foreach (var http in _http)
        {
            http.Dispose();
        }

        await Simulator.DisposeAsync();
    }
}

internal sealed record ParkedPush(string Sku, long LocationId, int OnHand, string Code, string Reason);
