namespace CdcBridge.Avro.Registry;

/// <summary>How to reach a Schema Registry. Credentials are referenced, never logged.</summary>
public sealed class SchemaRegistryOptions
{
    /// <summary>Base URL, e.g. http://127.0.0.1:8081 (the embedded stack's is in endpoints.json, schemaRegistry.url).</summary>
    public required string Url { get; init; }

    /// <summary>Basic authentication as "user:password" (Confluent's basic.auth.user.info).</summary>
    public string? BasicAuthUserInfo { get; init; }

    /// <summary>A bearer token (Confluent's bearer.auth.token); ignored when basic authentication is set.</summary>
    public string? BearerToken { get; init; }

    /// <summary>PEM file of a CA to trust besides the system's (a private registry certificate).</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>PKCS#12 client certificate for mutual TLS, and its password.</summary>
    public string? ClientCertificatePath { get; init; }

    public string? ClientCertificatePassword { get; init; }

    /// <summary>Per attempt; a timed-out attempt is retried like a 5xx.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of 5xx answers, timeouts and connection failures (never of 4xx answers).</summary>
    public int MaxRetries { get; init; } = 3;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
}
