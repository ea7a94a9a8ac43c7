namespace CdcBridge.DevStack.SchemaRegistry;

/// <summary>
/// An error answered as Confluent Schema Registry answers it: body <c>{"error_code": N, "message": "..."}</c>, HTTP status
/// the first three digits of a five-digit code (40401 → 404) or the code itself when it has three.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1032", Justification = "Only built through the factories below, each with its Confluent error code.")]
internal sealed class RegistryException(int errorCode, string message) : Exception(message)
{
    public int ErrorCode { get; } = errorCode;

    public int HttpStatus => ErrorCode >= 10000 ? ErrorCode / 100 : ErrorCode;

    public static RegistryException NotFound() => new(404, "HTTP 404 Not Found");

    public static RegistryException MethodNotAllowed() => new(405, "HTTP 405 Method Not Allowed");

    public static RegistryException MalformedBody(string reason) => new(400, $"Malformed JSON request body: {reason}");

    public static RegistryException SubjectNotFound(string subject) => new(40401, $"Subject '{subject}' not found.");

    public static RegistryException VersionNotFound(int version) => new(40402, $"Version {version} not found.");

    public static RegistryException SchemaNotFound() => new(40403, "Schema not found");

    public static RegistryException SubjectSoftDeleted(string subject) =>
        new(40404, $"Subject '{subject}' was soft deleted. Set permanent=true to delete permanently");

    public static RegistryException SubjectNotSoftDeleted(string subject) =>
        new(40405, $"Subject '{subject}' was not deleted first before being permanently deleted");

    public static RegistryException VersionSoftDeleted(string subject, int version) =>
        new(40406, $"Subject '{subject}' Version {version} was soft deleted. Set permanent=true to delete permanently");

    public static RegistryException VersionNotSoftDeleted(string subject, int version) =>
        new(40407, $"Subject '{subject}' Version {version} was not deleted first before being permanently deleted");

    public static RegistryException SubjectLevelConfigNotFound(string subject) =>
        new(40408, $"Subject '{subject}' does not have subject-level compatibility configured");

    public static RegistryException Incompatible(string subject, string details) =>
        new(409, $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: {details}");

    public static RegistryException InvalidSchema(string reason) => new(42201, $"Invalid schema: {reason}");

    public static RegistryException InvalidVersion(string version) =>
        new(42202, $"The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");

    public static RegistryException InvalidCompatibilityLevel(string? level) =>
        new(42203, $"Invalid compatibility level '{level}'. Valid values are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL and FULL_TRANSITIVE");
}
