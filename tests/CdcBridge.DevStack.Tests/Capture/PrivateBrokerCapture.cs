using CdcBridge.DevStack.Kafka;
using CdcBridge.Testing;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>
/// A capture harness on a broker of its own: tests that make Kafka refuse records disturb no other test.
/// </summary>
public abstract class PrivateBrokerCapture(InfrastructureFixture fixture) : HarnessedCapture(fixture)
{
    internal EmbeddedKafka Kafka { get; } = EmbeddedKafka.Start(1);

    internal override string? KafkaBootstrap => Kafka.BootstrapServers;

    internal override void DisposeAfterHarness() => Kafka.Dispose();
}
