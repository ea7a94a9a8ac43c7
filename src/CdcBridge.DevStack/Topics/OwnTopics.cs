using System.Reflection;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;
using CdcBridge.DevStack.Kafka;

namespace CdcBridge.DevStack.Topics;

/// <summary>
/// CdcBridge's own topics and their schemas (the repository's avro/ folder, built into this assembly): created on the
/// embedded broker with their partition counts and registered under <c>&lt;topic&gt;-value</c> / <c>&lt;topic&gt;-key</c>.
/// </summary>
public static class OwnTopics
{
    private const string ResourcePrefix = "CdcBridge.DevStack.Topics.";

    /// <summary>Topic → partitions. Keys spread changes; a key's changes stay in one partition, in order.</summary>
    public static readonly IReadOnlyDictionary<string, int> Partitions = new Dictionary<string, int>
    {
        ["retail.inventory.availability.v1"] = 6,
        ["retail.order.lifecycle.v1"] = 3,
        ["retail.fulfillment.v1"] = 3,
        ["retail.customer.v1"] = 3,
        ["retail.channel.order.v1"] = 3,
    };

    /// <summary>Subject → schema, from the avro/*.avsc files: "T.avsc" is T's value schema, "T-key.avsc" its key schema.</summary>
    public static IReadOnlyList<(string Subject, AvroSchema Schema)> Schemas()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var schemas = new List<(string, AvroSchema)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order())
        {
            var file = resource[ResourcePrefix.Length..^".avsc".Length];
            var subject = file.EndsWith("-key", StringComparison.Ordinal) ? file : $"{file}-value";
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            schemas.Add((subject, AvroSchema.Parse(reader.ReadToEnd())));
        }

        return schemas;
    }

    public static void CreateOn(EmbeddedKafka kafka)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        foreach (var (topic, partitions) in Partitions)
        {
            kafka.CreateTopic(topic, partitions);
        }
    }

    public static async Task RegisterAsync(ISchemaRegistryClient registry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var (subject, schema) in Schemas())
        {
            await registry.RegisterAsync(subject, schema, ct);
        }
    }
}
