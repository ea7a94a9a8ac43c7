using CdcBridge.DevStack.Kafka;

namespace CdcBridge.Testing;

/// <summary>
/// Kafka and PostgreSQL for tests, with per-test isolation: each test creates its own topics (see
/// <see cref="UniqueName"/>) and its own databases. Implementations: <see cref="EmbeddedTestInfrastructure"/> (the
/// default), <see cref="ExternalTestInfrastructure"/> (services named by environment variables), and a
/// container-backed one in tests/CdcBridge.ContainerTests for machines with Docker.
/// </summary>
public interface ITestInfrastructure : IAsyncDisposable
{
    /// <summary>A short name for reports: "embedded", "external", "containers".</summary>
    string Kind { get; }

    string KafkaBootstrap { get; }

    /// <summary>Fault injection into the shared broker, or null where the broker cannot be steered (external Kafka).
    /// Tests that inject faults should prefer a private <see cref="EmbeddedKafka"/> so they disturb no other test.</summary>
    IKafkaFaults? KafkaFaults { get; }

    /// <summary>A superuser connection string to the server's maintenance database.</summary>
    string PostgresAdminConnectionString { get; }

    Task CreateTopicAsync(string topic, int partitions, CancellationToken ct = default);

    /// <summary>A new database holding Odoo's schema, publication and the small test retailer (see <see cref="TestRetailer"/>).</summary>
    Task<string> CreateOdooDatabaseAsync(CancellationToken ct = default);

    /// <summary>A new empty database.</summary>
    Task<string> CreateEmptyDatabaseAsync(CancellationToken ct = default);
}
