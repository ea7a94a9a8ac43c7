using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CdcBridge.DevStack.Shopify;

namespace CdcBridge.DevStack.Tests.Shopify;

/// <summary>Raw HTTP against a simulator: what a client sends and exactly what comes back.</summary>
internal sealed class SimulatorHttp(ShopifySimulator simulator) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(simulator.Url) };

    public sealed record Reply(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Message)
    {
        public JsonNode? Data => Body["data"];

        public JsonObject Cost => (JsonObject)Body["extensions"]!["cost"]!;
    }

    public Task<Reply> GraphQlAsync(string query, object? variables = null, string version = ShopifySimulator.ContractVersion, string? token = null,
        CancellationToken ct = default)
    {
        var body = new JsonObject { ["query"] = query };
        if (variables is not null)
        {
            body["variables"] = (variables as JsonNode)?.DeepClone() ?? System.Text.Json.JsonSerializer.SerializeToNode(variables);
        }

        return PostAsync($"/admin/api/{version}/graphql.json", body.ToJsonString(), token ?? simulator.AccessToken, ct);
    }

    public async Task<Reply> PostAsync(string path, string json, string? token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Add("X-Shopify-Access-Token", token);
        }

        var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return new Reply(response.StatusCode, JsonNode.Parse(text) as JsonObject ?? new JsonObject { ["raw"] = text }, response);
    }

    public async Task<JsonNode> GetAsync(string path, CancellationToken ct) =>
        JsonNode.Parse(await _http.GetStringAsync(path, ct))!;

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, CancellationToken ct) => _http.PostAsJsonAsync(path, body, ct);

    public void Dispose() => _http.Dispose();
}
