using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdcBridge.Avro.Resolution;
using CdcBridge.Avro.Schemas;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CdcBridge.Avro.Registry;

/// <summary>
/// A Confluent Schema Registry client over HTTP. Caches schemas by id and ids by (subject, schema) both ways, so a
/// steady producer or consumer asks the registry once per schema. 5xx answers, timeouts and connection failures are
/// retried with jittered exponential backoff; 4xx answers fail at once with <see cref="SchemaRegistryException"/>.
/// </summary>
public sealed class SchemaRegistryClient : ISchemaRegistryClient, IDisposable
{
    private const string ContentType = "application/vnd.schemaregistry.v1+json";
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ConcurrentDictionary<int, AvroSchema> _byId = new();
    private readonly ConcurrentDictionary<(string Subject, string Schema), int> _idBySubjectSchema = new();

    public SchemaRegistryClient(SchemaRegistryOptions options)
        : this(options, new HttpClient(CreateHandler(options)), ownsHttp: true)
    {
    }

    /// <summary>With a caller's HttpClient (tests, custom handlers); its BaseAddress is set from the options.</summary>
    public SchemaRegistryClient(SchemaRegistryOptions options, HttpClient http, bool ownsHttp = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        if (!Uri.TryCreate(options.Url.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"'{options.Url}' is not an http(s) URL of a Schema Registry.", nameof(options));
        }

        _http = http;
        _ownsHttp = ownsHttp;
        _http.BaseAddress = baseUri;
        _http.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's per-attempt timeout governs
        _http.DefaultRequestHeaders.Accept.ParseAdd(ContentType);
        _http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        if (options.BasicAuthUserInfo is { Length: > 0 } basic)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        else if (options.BearerToken is { Length: > 0 } token)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500),
                MaxRetryAttempts = Math.Max(0, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.RequestTimeout)
            .Build();
    }

    public async Task<int> RegisterAsync(string subject, AvroSchema schema, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var json = schema.ToJson();
        if (_idBySubjectSchema.TryGetValue((subject, json), out var cached))
        {
            return cached;
        }

        var answer = await SendAsync(HttpMethod.Post, $"subjects/{Escape(subject)}/versions", SchemaBody(json), ct);
        var id = answer["id"]!.GetValue<int>();
        _idBySubjectSchema[(subject, json)] = id;
        _byId.TryAdd(id, schema);
        return id;
    }

    public async Task<RegisteredSchema> LookupAsync(string subject, AvroSchema schema, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var answer = await SendAsync(HttpMethod.Post, $"subjects/{Escape(subject)}", SchemaBody(schema.ToJson()), ct);
        var registered = ToRegistered(answer, subject);
        _idBySubjectSchema[(subject, schema.ToJson())] = registered.Id;
        return registered;
    }

    public async Task<AvroSchema> GetByIdAsync(int id, CancellationToken ct = default)
    {
        if (_byId.TryGetValue(id, out var cached))
        {
            return cached;
        }

        var answer = await SendAsync(HttpMethod.Get, $"schemas/ids/{id}", null, ct);
        var schema = ParseSchema(answer, $"schema id {id}");
        return _byId.GetOrAdd(id, schema);
    }

    public async Task<RegisteredSchema> GetLatestAsync(string subject, CancellationToken ct = default) =>
        ToRegistered(await SendAsync(HttpMethod.Get, $"subjects/{Escape(subject)}/versions/latest", null, ct), subject);

    public async Task<RegisteredSchema> GetVersionAsync(string subject, int version, CancellationToken ct = default) =>
        ToRegistered(await SendAsync(HttpMethod.Get, $"subjects/{Escape(subject)}/versions/{version}", null, ct), subject);

    public async Task<IReadOnlyList<string>> GetSubjectsAsync(CancellationToken ct = default) =>
        (await SendAsync(HttpMethod.Get, "subjects", null, ct)).AsArray().Select(s => s!.GetValue<string>()).ToList();

    public async Task<IReadOnlyList<int>> GetVersionsAsync(string subject, CancellationToken ct = default) =>
        (await SendAsync(HttpMethod.Get, $"subjects/{Escape(subject)}/versions", null, ct)).AsArray().Select(v => v!.GetValue<int>()).ToList();

    public async Task<CompatibilityResult> CheckCompatibilityAsync(string subject, AvroSchema schema, string version = "latest", CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var answer = await SendAsync(HttpMethod.Post, $"compatibility/subjects/{Escape(subject)}/versions/{Escape(version)}?verbose=true",
            SchemaBody(schema.ToJson()), ct);
        var messages = answer["messages"] is JsonArray m ? m.Select(x => x?.ToString() ?? "").ToList() : [];
        return new CompatibilityResult(answer["is_compatible"]!.GetValue<bool>(), messages);
    }

    public async Task<string> GetCompatibilityAsync(string? subject = null, CancellationToken ct = default)
    {
        var path = subject is null ? "config" : $"config/{Escape(subject)}?defaultToGlobal=true";
        var answer = await SendAsync(HttpMethod.Get, path, null, ct);
        return (answer["compatibilityLevel"] ?? answer["compatibility"])!.GetValue<string>();
    }

    public async Task SetCompatibilityAsync(string? subject, string level, CancellationToken ct = default)
    {
        var body = new JsonObject { ["compatibility"] = level }.ToJsonString(Relaxed);
        await SendAsync(HttpMethod.Put, subject is null ? "config" : $"config/{Escape(subject)}", body, ct);
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? body, CancellationToken ct)
    {
        using var response = await _pipeline.ExecuteAsync(async token =>
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
            }

            return await _http.SendAsync(request, token);
        }, ct);

        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw ToError(response.StatusCode, text);
        }

        try
        {
            return JsonNode.Parse(text) ?? throw new SchemaRegistryException(50000, (int)response.StatusCode, $"empty answer to {method} /{path}");
        }
        catch (JsonException e)
        {
            throw new SchemaRegistryException(50000, (int)response.StatusCode, $"answer to {method} /{path} is not JSON: {e.Message}");
        }
    }

    private static SchemaRegistryException ToError(HttpStatusCode status, string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject error && error["error_code"] is JsonValue code)
            {
                return new SchemaRegistryException(code.GetValue<int>(), (int)status, error["message"]?.GetValue<string>() ?? "");
            }
        }
        catch (JsonException)
        {
            // not a registry error body: fall through
        }

        return new SchemaRegistryException((int)status, (int)status, body.Length > 200 ? body[..200] : body);
    }

    private static RegisteredSchema ToRegistered(JsonNode answer, string subject) => new(
        answer["subject"]?.GetValue<string>() ?? subject,
        answer["id"]!.GetValue<int>(),
        answer["version"]!.GetValue<int>(),
        ParseSchema(answer, $"{subject}"));

    private static AvroSchema ParseSchema(JsonNode answer, string what)
    {
        var type = answer["schemaType"]?.GetValue<string>() ?? "AVRO";
        if (type != "AVRO")
        {
            throw new SchemaRegistryException(SchemaRegistryException.InvalidSchema, 200, $"{what} is a {type} schema; CdcBridge reads Avro only.");
        }

        return AvroSchema.Parse(answer["schema"]!.GetValue<string>());
    }

    private static string SchemaBody(string schemaJson) => new JsonObject { ["schema"] = schemaJson }.ToJsonString(Relaxed);

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static SocketsHttpHandler CreateHandler(SchemaRegistryOptions options)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (options.ClientCertificatePath is { Length: > 0 } clientPath)
        {
            handler.SslOptions.ClientCertificates = [X509CertificateLoader.LoadPkcs12FromFile(clientPath, options.ClientCertificatePassword)];
        }

        if (options.CaCertificatePath is { Length: > 0 } caPath)
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }

                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return handler;
    }
}
