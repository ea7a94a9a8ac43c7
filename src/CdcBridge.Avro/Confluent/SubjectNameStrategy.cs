using CdcBridge.Avro.Schemas;

namespace CdcBridge.Avro.Confluent;

/// <summary>How a schema's subject is named, as Confluent's serializers name it.</summary>
public enum SubjectNameStrategy
{
    /// <summary><c>&lt;topic&gt;-key</c> / <c>&lt;topic&gt;-value</c> (the default; Debezium's and ours).</summary>
    Topic,

    /// <summary>The record's full name: one subject per record type across topics.</summary>
    Record,

    /// <summary><c>&lt;topic&gt;-&lt;record full name&gt;</c>: several record types per topic.</summary>
    TopicRecord,
}

public static class SubjectNames
{
    public static string For(SubjectNameStrategy strategy, string topic, bool isKey, AvroSchema schema) => strategy switch
    {
        SubjectNameStrategy.Topic => $"{topic}-{(isKey ? "key" : "value")}",
        SubjectNameStrategy.Record => RecordName(schema, strategy),
        SubjectNameStrategy.TopicRecord => $"{topic}-{RecordName(schema, strategy)}",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
    };

    private static string RecordName(AvroSchema schema, SubjectNameStrategy strategy) => schema is RecordSchema record
        ? record.FullName
        : throw new InvalidOperationException($"The {strategy} subject name strategy needs a record schema, not {schema.BranchName}.");
}
