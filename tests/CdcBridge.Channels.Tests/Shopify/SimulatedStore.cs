using CdcBridge.Channels.Shopify;
using CdcBridge.DevStack.Shopify;

namespace CdcBridge.Channels.Tests.Shopify;

/// <summary>A simulator and a client talking to it over HTTP, with retries short enough for tests.</summary>
internal sealed class SimulatedStore : IAsyncDisposable
{
    private static int Shops;

    private SimulatedStore(ShopifySimulator simulator, ShopifyInventoryClient client, HttpClient http)
    {
        Simulator = simulator;
        Client = client;
        Http = http;
    }

    public ShopifySimulator Simulator { get; }

    public ShopifyInventoryClient Client { get; }

    public HttpClient Http { get; }

    public static ShopifyClientOptions FastRetries { get; } = new()
    {
        MaxRetries = 5,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(100),
        ThrottleJitter = TimeSpan.FromMilliseconds(5),
        CircuitMinimumThroughput = 1000,
    };

    /// <summary>A shop with a unique domain (metrics are tagged with it), the given locations and SKUs.</summary>
    public static async Task<SimulatedStore> StartAsync(
        IEnumerable<string> locations,
        IEnumerable<string> skus,
        Func<ShopifySimulatorOptions, ShopifySimulatorOptions>? configure = null,
        ShopifyClientOptions? clientOptions = null,
        HttpMessageHandler? handler = null)
    {
        var options = new ShopifySimulatorOptions
        {
            ShopDomain = $"test-{Interlocked.Increment(ref Shops)}-{Guid.NewGuid():N}.myshopify.com",
            Catalog = ShopifyCatalog.Create(locations, skus),
        };
        var simulator = await ShopifySimulator.StartAsync(configure?.Invoke(options) ?? options, ct: TestContext.Current.CancellationToken);
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        var store = new ShopifyStore(simulator.ShopDomain, new Uri(simulator.Url), simulator.ApiVersion, simulator.AccessToken);
        return new SimulatedStore(simulator, new ShopifyInventoryClient(store, http, clientOptions ?? FastRetries), http);
    }

    public static long Location(int n) => ShopifyCatalog.LocationIdBase + n;

    public static long Item(int n) => ShopifyCatalog.InventoryItemIdBase + n;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
    }
}

/// <summary>Completes <see cref="FirstResponse"/> when the first HTTP response has come back (a synchronisation point, not a sleep).</summary>
internal sealed class SignalingHandler() : DelegatingHandler(new HttpClientHandler())
{
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task FirstResponse => _first.Task;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        _first.TrySetResult();
        return response;
    }
}
