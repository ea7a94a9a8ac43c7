using Confluent.Kafka;

namespace CdcBridge.DevStack.Kafka;

/// <summary>Broker faults a test can inject. Broker ids run from 1 to the number of brokers.</summary>
public interface IKafkaFaults
{
    /// <summary>The next requests of <paramref name="apiKey"/> fail with these errors, one per request, in order.
    /// <see cref="ErrorCode.Local_Transport"/> makes the broker drop the connection instead.</summary>
    void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors);

    void ClearRequestErrors(KafkaApiKey apiKey);

    /// <summary>The broker refuses connections. Leadership does not move by itself; see <see cref="SetPartitionLeader"/>.</summary>
    void SetBrokerDown(int brokerId);

    void SetBrokerUp(int brokerId);

    /// <summary>Adds a round-trip delay to every response of the broker.</summary>
    void SetBrokerRoundTripTime(int brokerId, TimeSpan rtt);

    /// <summary>Moves a partition's leadership, as a controller would after a broker loss.</summary>
    void SetPartitionLeader(string topic, int partition, int brokerId);
}
