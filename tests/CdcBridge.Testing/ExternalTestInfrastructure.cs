using CdcBridge.DevStack.Kafka;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace CdcBridge.Testing;

/// <summary>
/// Services someone else runs: CDCBRIDGE_TEST_KAFKA (bootstrap servers) and CDCBRIDGE_TEST_POSTGRES (a superuser
/// Npgsql connection string to a server with wal_level=logical). Topics are created through the Admin API.
/// </summary>
public sealed class ExternalTestInfrastructure : ITestInfrastructure
{
    public const string KafkaVariable = "CDCBRIDGE_TEST_KAFKA";
    public const string PostgresVariable = "CDCBRIDGE_TEST_POSTGRES";
    private readonly PostgresDatabases _databases;
    private readonly IAdminClient _admin;

    public ExternalTestInfrastructure(string kafkaBootstrap, string postgresAdmin)
    {
        KafkaBootstrap = kafkaBootstrap;
        PostgresAdminConnectionString = postgresAdmin;
        _databases = new PostgresDatabases(postgresAdmin);
        _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafkaBootstrap }).Build();
    }

    public string Kind => "external";

    public string KafkaBootstrap { get; }

    public IKafkaFaults? KafkaFaults => null;

    public string PostgresAdminConnectionString { get; }

    public static ExternalTestInfrastructure? FromEnvironment()
    {
        var kafka = Environment.GetEnvironmentVariable(KafkaVariable);
        var postgres = Environment.GetEnvironmentVariable(PostgresVariable);
        return string.IsNullOrEmpty(kafka) || string.IsNullOrEmpty(postgres) ? null : new ExternalTestInfrastructure(kafka, postgres);
    }

    public async Task CreateTopicAsync(string topic, int partitions, CancellationToken ct = default) =>
        await _admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 }]);

    public Task<string> CreateOdooDatabaseAsync(CancellationToken ct = default) => _databases.CreateOdooAsync(ct);

    public Task<string> CreateEmptyDatabaseAsync(CancellationToken ct = default) => _databases.CreateEmptyAsync(ct);

    public ValueTask DisposeAsync()
    {
        _databases.Dispose();
        _admin.Dispose();
        return ValueTask.CompletedTask;
    }
}
