using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Tests.SchemaRegistry;

/// <summary>A registry answer: status, content type, the body as text and as JSON (null when it is not JSON).</summary>
public sealed record RegistryReply(HttpStatusCode Status, string? ContentType, string Text, JsonNode? Json)
{
    public int? ErrorCode => Json is JsonObject o && o["error_code"] is JsonValue v ? v.GetValue<int>() : null;

    public string? Message => Json?["message"]?.GetValue<string>();

    /// <summary>Asserts a Confluent error body: the HTTP status and the <c>error_code</c>; returns the message.</summary>
    public string ShouldBeError(HttpStatusCode status, int errorCode)
    {
        Status.Should().Be(status, "the body was {0}", Text);
        ErrorCode.Should().Be(errorCode, "the body was {0}", Text);
        ((JsonObject)Json!).Select(p => p.Key).Should().BeEquivalentTo("error_code", "message");
        Message.Should().NotBeNullOrWhiteSpace();
        return Message!;
    }

    public RegistryReply ShouldBeOk(string because = "")
    {
        Status.Should().Be(HttpStatusCode.OK, "{0} (the body was {1})", because, Text);
        ContentType.Should().Be("application/vnd.schemaregistry.v1+json");
        return this;
    }
}

/// <summary>Raw HTTP against the registry: what any Confluent client sends, nothing of ours in between.</summary>
public sealed class RegistryClient(string baseUrl) : IDisposable
{
    public const string RegistryContentType = "application/vnd.schemaregistry.v1+json";

    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl) };

    public string BaseUrl { get; } = baseUrl;

    /// <summary>The body Confluent clients send to register or look up a schema.</summary>
    public static JsonObject SchemaBody(string schema) => new() { ["schema"] = schema };

    public Task<RegistryReply> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<RegistryReply> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    public Task<RegistryReply> PostAsync(string path, JsonNode body, string contentType = RegistryContentType) =>
        SendAsync(HttpMethod.Post, path, body.ToJsonString(), contentType);

    public Task<RegistryReply> PutAsync(string path, JsonNode body) => SendAsync(HttpMethod.Put, path, body.ToJsonString());

    public async Task<int> RegisterAsync(string subject, string schema)
    {
        var reply = (await PostAsync($"/subjects/{subject}/versions", SchemaBody(schema))).ShouldBeOk();
        return reply.Json!["id"]!.GetValue<int>();
    }

    public async Task<RegistryReply> SendAsync(HttpMethod method, string path, string? body, string contentType = RegistryContentType)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.ParseAdd("application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonNode? json;
        try
        {
            json = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            json = null;
        }

        return new RegistryReply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, json);
    }

    public void Dispose() => _http.Dispose();
}
