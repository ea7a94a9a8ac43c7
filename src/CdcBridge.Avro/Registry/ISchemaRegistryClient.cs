using CdcBridge.Avro.Resolution;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Registry;

/// <summary>The subset of Confluent Schema Registry's REST API CdcBridge uses.</summary>
public interface ISchemaRegistryClient
{
    /// <summary>Registers the schema under the subject (or finds it there) and returns its global id.</summary>
    Task<int> RegisterAsync(string subject, AvroSchema schema, CancellationToken ct = default);

    /// <summary>The subject's registration of exactly this schema; 40401/40403 when there is none.</summary>
    Task<RegisteredSchema> LookupAsync(string subject, AvroSchema schema, CancellationToken ct = default);

    Task<AvroSchema> GetByIdAsync(int id, CancellationToken ct = default);

    Task<RegisteredSchema> GetLatestAsync(string subject, CancellationToken ct = default);

    Task<RegisteredSchema> GetVersionAsync(string subject, int version, CancellationToken ct = default);

    Task<IReadOnlyList<string>> GetSubjectsAsync(CancellationToken ct = default);

    Task<IReadOnlyList<int>> GetVersionsAsync(string subject, CancellationToken ct = default);

    /// <summary>Whether the schema could be registered under the subject (against the latest version by default).</summary>
    Task<CompatibilityResult> CheckCompatibilityAsync(string subject, AvroSchema schema, string version = "latest", CancellationToken ct = default);

    /// <summary>The compatibility level of a subject (falling back to the global one), or the global one when subject is null.</summary>
    Task<string> GetCompatibilityAsync(string? subject = null, CancellationToken ct = default);

    Task SetCompatibilityAsync(string? subject, string level, CancellationToken ct = default);
}
