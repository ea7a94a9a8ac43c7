using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>The response bodies, named and shaped as Confluent's.</summary>
internal static class RegistryResponses
{
    public const string ContentType = "application/vnd.schemaregistry.v1+json";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IResult Ok<T>(T body) => Results.Json(body, Json, ContentType);

    public static IResult RawJson(string json) => Results.Text(json, ContentType);

    public sealed record SchemaVersion(string Subject, int Version, int Id, string Schema)
    {
        public static SchemaVersion From(SubjectVersion version) => new(version.Subject, version.Version, version.SchemaId, version.Schema);
    }

    public sealed record SchemaId(int Id);

    public sealed record SchemaText(string Schema);

    public sealed record SubjectVersionPair(string Subject, int Version);

    public sealed record LevelResponse(string CompatibilityLevel);

    public sealed record LevelUpdate(string Compatibility);

    public sealed record CompatibilityCheck(
        [property: JsonPropertyName("is_compatible")] bool IsCompatible,
        [property: JsonPropertyName("messages")] IReadOnlyList<string>? Messages);

    public sealed record Error(
        [property: JsonPropertyName("error_code")] int ErrorCode,
        [property: JsonPropertyName("message")] string Message);

    public sealed record Empty;
}
