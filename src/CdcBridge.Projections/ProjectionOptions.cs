namespace CdcBridge.Projections;

/// <summary>How a <see cref="ProjectionRunner"/> consumes; defaults suit both the embedded stack and a Kafka cluster.</summary>
public sealed record ProjectionOptions
{
    public required string KafkaBootstrap { get; init; }

    /// <summary>Npgsql connection string of the sidecar database (projection state, positions, parked records).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// The generation of the source topics. A projector whose stored epoch differs is reset and rebuilt from the start
    /// of its topics: the embedded broker is new on every start; in production change it to force a rebuild.
    /// </summary>
    public string Epoch { get; init; } = "1";

    /// <summary>
    /// Longest a fetch waits at the broker for data (librdkafka's <c>fetch.wait.max.ms</c>, default 500 ms). Kafka answers
    /// as soon as data arrives; librdkafka's mock cluster always waits the full time when a fetch finds nothing, which
    /// added up to 500 ms to every change there (make bench). Low values only cost idle fetch requests.
    /// </summary>
    public TimeSpan FetchWaitMax { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Largest batch applied in one transaction.</summary>
    public int MaxBatchSize { get; init; } = 2_000;

    /// <summary>
    /// Largest batch while at least this many records are behind (a rebuild, a long outage): fewer, larger
    /// transactions, and a row a projector stores is written once per batch however often it changed in it. Live
    /// batches stay at <see cref="MaxBatchSize"/>. Below <see cref="MaxBatchSize"/> it changes nothing.
    /// </summary>
    public int CatchUpBatchSize { get; init; } = 20_000;

    /// <summary>
    /// For a projector that <see cref="IProjector.SpansPartitions"/>: how often the runner looks for partitions of its
    /// topics that appeared since (a topic created or grown), which a consumer group would otherwise have assigned.
    /// </summary>
    public TimeSpan PartitionRefreshInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the loop waits for a first record before it looks at stopping again.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>On stop, the batch in flight may finish within this bound; then the consumer closes regardless.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Backoff after a failed batch: doubled per consecutive failure, capped, with ±25 % jitter.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Consumer group is <c>{GroupPrefix}.{projector}</c>.</summary>
    public string GroupPrefix { get; init; } = "cdcbridge";
}
