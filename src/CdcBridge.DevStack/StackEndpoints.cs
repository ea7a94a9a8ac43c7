using System.Text.Json;
using System.Text.Json.Serialization;

namespace CdcBridge.DevStack;

/// <summary>
/// <c>.cdcbridge/endpoints.json</c>: where the running stack's parts listen, for tools and tests. Connection strings
/// are Npgsql keyword form; URLs are absolute <c>http://127.0.0.1:PORT</c>. Parts a stack does not run are omitted.
/// </summary>
public sealed record StackEndpoints
{
    public const string FileName = "endpoints.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required KafkaEndpoint Kafka { get; init; }

    public required PostgresEndpoint Postgres { get; init; }

    public UrlEndpoint? SchemaRegistry { get; init; }

    public UrlEndpoint? Status { get; init; }

    public ShopifyEndpoint? Shopify { get; init; }

    public OdooEndpoint? Odoo { get; init; }

    /// <summary>The sidecar's webhook receiver: Shopify order webhooks go to <c>{Url}/shopify</c>.</summary>
    public UrlEndpoint? Webhooks { get; init; }

    public sealed record KafkaEndpoint(string Bootstrap);

    public sealed record PostgresEndpoint(string Odoo, string Sidecar);

    public sealed record UrlEndpoint(string Url);

    /// <summary>The Shopify simulator: Admin GraphQL at <c>{Url}/admin/api/{ApiVersion}/graphql.json</c>, inspection under <c>{Url}/_sim/</c>.</summary>
    public sealed record ShopifyEndpoint(string Url, string ShopDomain, string ApiVersion, string AccessToken)
    {
        /// <summary>The secret the simulator signs its webhooks with (a fixed development value, not any real app's).</summary>
        public string? WebhookSecret { get; init; }
    }

    /// <summary>
    /// The Odoo simulator: JSON-RPC at <c>{Url}/jsonrpc</c> (common.login with <c>Db</c>, <c>Login</c>, <c>Password</c>, then
    /// object.execute_kw). The password is a fixed development value of the simulator, not a credential of any real Odoo.
    /// </summary>
    public sealed record OdooEndpoint(string Url, string Db, string Login, string Password);

    public static string PathIn(string stateDirectory) => System.IO.Path.Combine(stateDirectory, FileName);

    /// <summary>Writes atomically (temp file + rename) so a reader never sees half a file.</summary>
    public async Task WriteAsync(string stateDirectory, CancellationToken ct = default)
    {
        Directory.CreateDirectory(stateDirectory);
        var target = PathIn(stateDirectory);
        var temp = target + ".tmp";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(this, Json), ct);
        if (!OperatingSystem.IsWindows())
        {
            // Holds the database password of the dev cluster: readable by the owner only.
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, target, overwrite: true);
    }

    public static async Task<StackEndpoints?> TryReadAsync(string stateDirectory, CancellationToken ct = default)
    {
        var path = PathIn(stateDirectory);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<StackEndpoints>(stream, Json, ct)
            ?? throw new InvalidDataException($"{path} is empty.");
    }
}
