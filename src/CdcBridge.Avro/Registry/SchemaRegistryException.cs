namespace CdcBridge.Avro.Registry;

/// <summary>
/// An error answer of a Schema Registry, with Confluent's error code: 40401 subject not found, 40402 version not
/// found, 40403 schema not found, 42201 invalid schema, 42202 invalid version, 42203 invalid compatibility level,
/// 409 incompatible schema, 50001-50003 server errors.
/// </summary>
public sealed class SchemaRegistryException(int errorCode, int httpStatus, string message) : Exception(Describe(errorCode, message))
{
    public const int SubjectNotFound = 40401;
    public const int VersionNotFound = 40402;
    public const int SchemaNotFound = 40403;
    public const int InvalidSchema = 42201;
    public const int InvalidVersion = 42202;
    public const int Incompatible = 409;

    public int ErrorCode { get; } = errorCode;

    public int HttpStatus { get; } = httpStatus;

    public string RegistryMessage { get; } = message;

    private static string Describe(int code, string message) => code switch
    {
        SubjectNotFound => $"Subject not found (40401): {message}",
        VersionNotFound => $"Version not found (40402): {message}",
        SchemaNotFound => $"Schema not found (40403): {message}",
        InvalidSchema => $"Invalid schema (42201): {message}",
        InvalidVersion => $"Invalid version (42202): {message}",
        Incompatible => $"Incompatible schema (409): {message}",
        _ => $"Schema Registry error {code}: {message}",
    };
}
