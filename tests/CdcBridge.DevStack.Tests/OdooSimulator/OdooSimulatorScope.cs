using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.DevStack.Tests.OdooSimulator;

/// <summary>A fresh Odoo database (the test retailer) with an Odoo simulator on it, and a raw JSON-RPC client.</summary>
internal sealed class OdooSimulatorScope : IAsyncDisposable
{
    // Odoo's invariant between quants and open move lines (the same check as DemoWorkloadTests).

    private readonly HttpClient _http;
    private long _nextId;

    private OdooSimulatorScope(string connectionString, CdcBridge.DevStack.Odoo.Simulator.OdooSimulator simulator)
    {
        ConnectionString = connectionString;
        Simulator = simulator;
        _http = new HttpClient { BaseAddress = new Uri(simulator.Url) };
    }

    public string ConnectionString { get; }

    public CdcBridge.DevStack.Odoo.Simulator.OdooSimulator Simulator { get; }

    public static async Task<OdooSimulatorScope> StartAsync(InfrastructureFixture fixture, CancellationToken ct)
    {
        var odoo = await fixture.Infrastructure.CreateOdooDatabaseAsync(ct);
        var simulator = await CdcBridge.DevStack.Odoo.Simulator.OdooSimulator.StartAsync(new OdooSimulatorOptions { ConnectionString = odoo }, null, ct);
        return new OdooSimulatorScope(odoo, simulator);
    }

    /// <summary>A JSON-RPC call; returns the whole reply (result or error) and the HTTP status.</summary>
    public async Task<(int Status, JsonObject? Reply, string Raw)> CallAsync(string service, string method, JsonArray args, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "call",
            ["params"] = new JsonObject { ["service"] = service, ["method"] = method, ["args"] = args },
            ["id"] = Interlocked.Increment(ref _nextId),
        };
        using var response = await _http.PostAsync("/jsonrpc", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct);
        var raw = await response.Content.ReadAsStringAsync(ct);
        JsonObject? reply;
        try
        {
            reply = JsonNode.Parse(raw) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            reply = null;
        }

        return ((int)response.StatusCode, reply, raw);
    }

    /// <summary>execute_kw as the simulator's user; the reply (with <c>result</c> or <c>error</c>).</summary>
    public async Task<JsonObject> ExecuteKwAsync(string model, string method, JsonArray args, JsonObject? kwargs = null, string? password = null,
        CancellationToken ct = default)
    {
        var (status, reply, raw) = await CallAsync("object", "execute_kw",
            [Simulator.Database, Simulator.Uid, password ?? Simulator.Password, model, method, args, kwargs ?? []], ct);
        status.Should().Be(200, raw);
        return reply!;
    }

    /// <summary>execute_kw that must succeed: its result.</summary>
    public async Task<JsonNode?> ResultAsync(string model, string method, JsonArray args, JsonObject? kwargs = null, CancellationToken ct = default)
    {
        var reply = await ExecuteKwAsync(model, method, args, kwargs, ct: ct);
        reply["error"].Should().BeNull(reply.ToJsonString());
        return reply["result"];
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, CancellationToken ct) => _http.PostAsJsonAsync(path, body, ct);

    public Task<T> ScalarAsync<T>(string sql, CancellationToken ct, params object[] args) => SqlQueries.ScalarAsync<T>(ConnectionString, sql, ct, args);

    public Task<List<object?[]>> RowsAsync(string sql, CancellationToken ct, params object[] args) => SqlQueries.RowsAsync(ConnectionString, sql, ct, args);

    /// <summary>A storable SKU with at least <paramref name="free"/> units unreserved in a warehouse's stock (or none when <paramref name="free"/> is 0).</summary>
    public async Task<string> SkuAsync(int warehouse, decimal free, CancellationToken ct)
    {
        var sql = free > 0
            ? """
              SELECT pp.default_code FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN stock_quant q ON q.product_id = pp.id JOIN stock_location l ON l.id = q.location_id
              JOIN stock_warehouse w ON w.id = $1 JOIN stock_location s ON s.id = w.lot_stock_id
              WHERE pt.type = 'product' AND pt.tracking = 'none' AND pp.default_code IS NOT NULL AND l.parent_path LIKE s.parent_path || '%'
              GROUP BY pp.id HAVING sum(q.quantity - q.reserved_quantity) >= $2 ORDER BY pp.id LIMIT 1
              """
            : """
              SELECT pp.default_code FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN stock_warehouse w ON w.id = $1 JOIN stock_location s ON s.id = w.lot_stock_id
              WHERE pt.type = 'product' AND pp.default_code IS NOT NULL AND $2 = 0 AND NOT EXISTS (
                  SELECT 1 FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
                  WHERE q.product_id = pp.id AND l.parent_path LIKE s.parent_path || '%' AND q.quantity > q.reserved_quantity)
              ORDER BY pp.id LIMIT 1
              """;
        return await ScalarAsync<string>(sql, ct, warehouse, free);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Simulator.DisposeAsync();
    }
}
