namespace CdcBridge.Avro.Confluent;

public sealed record AvroSerializerOptions
{
    public SubjectNameStrategy SubjectNameStrategy { get; init; } = SubjectNameStrategy.Topic;

    /// <summary>Register the schema when it is not yet under the subject (Confluent's auto.register.schemas). Off: the
    /// schema must already be registered, and a missing one fails with the registry's 40401/40403.</summary>
    public bool AutoRegisterSchemas { get; init; } = true;
}
