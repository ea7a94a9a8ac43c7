using System.Text.Json;
using CdcBridge.Avro.Schemas;
using Microsoft.AspNetCore.Http;

namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>
/// Request bodies and query flags. Bodies are JSON whatever the declared content type (Confluent's clients send
/// <c>application/vnd.schemaregistry.v1+json</c>, <c>application/json</c> or <c>application/octet-stream</c>).
/// </summary>
internal static class RegistryRequests
{
    private const int MaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>
    /// A <c>{"schema": "...", "schemaType": "AVRO"?, "references": []?}</c> body, parsed. Only Avro without references is
    /// served; anything else is 42201.
    /// </summary>
    public static async Task<AvroSchema> ReadSchemaAsync(HttpRequest request, CancellationToken ct)
    {
        using var body = await ReadBodyAsync(request, ct);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RegistryException.MalformedBody($"expected a JSON object, got {root.ValueKind}");
        }

        if (root.TryGetProperty("schemaType", out var type) && type.ValueKind != JsonValueKind.Null
            && !(type.ValueKind == JsonValueKind.String && string.Equals(type.GetString(), "AVRO", StringComparison.OrdinalIgnoreCase)))
        {
            throw RegistryException.InvalidSchema($"schemaType {type.GetRawText()} is not supported; this registry supports only AVRO");
        }

        if (root.TryGetProperty("references", out var references) && references.ValueKind == JsonValueKind.Array && references.GetArrayLength() > 0)
        {
            throw RegistryException.InvalidSchema("schema references are not supported by this registry");
        }

        if (!root.TryGetProperty("schema", out var schema) || schema.ValueKind == JsonValueKind.Null)
        {
            throw RegistryException.InvalidSchema("empty schema (the body has no \"schema\")");
        }

        if (schema.ValueKind != JsonValueKind.String)
        {
            throw RegistryException.InvalidSchema("\"schema\" must be a string holding the schema's JSON");
        }

        var text = schema.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            throw RegistryException.InvalidSchema("empty schema");
        }

        try
        {
            return AvroSchema.Parse(text);
        }
        catch (Exception e) when (e is AvroSchemaException or JsonException or FormatException)
        {
            throw RegistryException.InvalidSchema($"{e.Message} (schema: {text})");
        }
    }

    /// <summary>The level in a <c>{"compatibility": "FULL"}</c> body (<c>compatibilityLevel</c> is accepted too).</summary>
    public static async Task<CompatibilityLevel> ReadLevelAsync(HttpRequest request, CancellationToken ct)
    {
        using var body = await ReadBodyAsync(request, ct);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RegistryException.MalformedBody($"expected a JSON object, got {root.ValueKind}");
        }

        if (!root.TryGetProperty("compatibility", out var level) && !root.TryGetProperty("compatibilityLevel", out level))
        {
            throw RegistryException.InvalidCompatibilityLevel(null);
        }

        return CompatibilityLevels.Parse(level.ValueKind == JsonValueKind.String ? level.GetString() : level.GetRawText());
    }

    /// <summary>True when the query has <paramref name="name"/><c>=true</c>.</summary>
    public static bool Flag(HttpRequest request, string name) =>
        string.Equals(request.Query[name].ToString(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A subject from a route value (routing decodes everything but <c>%2F</c>).</summary>
    public static string Subject(string routeValue) => routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    private static async Task<JsonDocument> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw RegistryException.MalformedBody($"the body is larger than {MaxBodyBytes} bytes");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length == 0)
        {
            throw RegistryException.MalformedBody("the body is empty");
        }

        try
        {
            return JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException e)
        {
            throw RegistryException.MalformedBody(e.Message);
        }
    }
}
