using CdcBridge.DevStack.Odoo;
using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.Orders.Odoo;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.Orders.Tests.Odoo;

/// <summary>A fresh seeded Odoo database with the Odoo simulator on it, SQL on that database, and clients of the simulator.</summary>
internal sealed class OdooScope : IAsyncDisposable
{
    private readonly List<OdooJsonRpcClient> _clients = [];

    private OdooScope(string connectionString, OdooSimulator simulator)
    {
        ConnectionString = connectionString;
        Simulator = simulator;
    }

    public string ConnectionString { get; }

    public OdooSimulator Simulator { get; }

    public static async Task<OdooScope> StartAsync(RegistryInfrastructure fixture, CancellationToken ct)
    {
        var odoo = await fixture.Infrastructure.CreateOdooDatabaseAsync(ct);
        var simulator = await OdooSimulator.StartAsync(new OdooSimulatorOptions { ConnectionString = odoo }, null, ct);
        return new OdooScope(odoo, simulator);
    }

    /// <summary>Options for the simulator, fast retries for tests unless the caller changes them.</summary>
    public OdooConnectionOptions Options(string? password = null) => new()
    {
        Url = new Uri(Simulator.Url),
        Database = Simulator.Database,
        Login = Simulator.Login,
        Password = password ?? Simulator.Password,
        RequestsPerSecond = 1000,
        Burst = 100,
        MaxInFlight = 8,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    public OdooJsonRpcClient Client(OdooConnectionOptions? options = null)
    {
        var client = new OdooJsonRpcClient(options ?? Options());
        _clients.Add(client);
        return client;
    }

    public Task<T> ScalarAsync<T>(string sql, CancellationToken ct, params object[] args) => SqlQueries.ScalarAsync<T>(ConnectionString, sql, ct, args);

    public Task<List<object?[]>> RowsAsync(string sql, CancellationToken ct, params object[] args) => SqlQueries.RowsAsync(ConnectionString, sql, ct, args);

    /// <summary>Storable, untracked SKUs of the seed (product_product.default_code), lowest ids first.</summary>
    public async Task<List<string>> SkusAsync(int count, CancellationToken ct) =>
        [.. (await RowsAsync(
            """
            SELECT pp.default_code FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
            WHERE pp.active IS TRUE AND pt.type = 'product' AND pt.tracking = 'none' AND pp.default_code IS NOT NULL
            ORDER BY pp.id LIMIT $1
            """, ct, count)).Select(r => (string)r[0]!)];

    public Task<int> ProductIdAsync(string sku, CancellationToken ct) => ScalarAsync<int>("SELECT id FROM product_product WHERE default_code = $1", ct, sku);

    /// <summary>
    /// What installing Odoo's delivery module adds: the "Standard delivery" service product, Internal Reference
    /// Delivery_007, external id delivery.product_product_delivery. The seeded retailer has no delivery module.
    /// </summary>
    public async Task<int> InstallStandardDeliveryAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        return await StandardDelivery.InstallAsync(connection, ct);
    }

    /// <summary>
    /// The request log after <paramref name="since"/> once it holds <paramref name="count"/> entries: the simulator logs
    /// a request when its handler ends, which for a reset or a client that gave up can be after the client moved on.
    /// </summary>
    public async Task<IReadOnlyList<OdooSimRequest>> RequestsAsync(int count, CancellationToken ct, long since = 0)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (Simulator.Requests(since).Count < count)
        {
            await Task.Delay(10, deadline.Token);
        }

        return Simulator.Requests(since);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Simulator.DisposeAsync();
    }
}
