using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace CdcBridge.DevStack.Kafka;

/// <summary>
/// A Kafka-protocol broker cluster inside this process: librdkafka's mock cluster, listening on loopback, usable
/// by any Kafka client of any process (kcat, Python, Java) through <see cref="BootstrapServers"/>.
/// Limits (librdkafka 2.0.2): no CreateTopics API (use <see cref="CreateTopic"/>; auto-created topics get 4
/// partitions), no timestamp offset lookup, no compaction, no transaction markers, at most 5 MiB or 100,000
/// message sets per partition, and a 3 s first consumer-group join.
/// </summary>
public sealed class EmbeddedKafka : IKafkaFaults, IDisposable
{
    private const int ProducerType = 0;
    private readonly Lock _gate = new();
    private IntPtr _handle;
    private IntPtr _cluster;

    private EmbeddedKafka(IntPtr handle, IntPtr cluster, int brokerCount, string bootstrap)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = bootstrap;
    }

    public int BrokerCount { get; }

    /// <summary>Comma-separated <c>127.0.0.1:port</c> of every broker.</summary>
    public string BootstrapServers { get; }

    public static EmbeddedKafka Start(int brokerCount = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        LibRdKafka.EnsureLoaded();

        // The mock cluster needs a client handle of its own; that handle must outlive the cluster.
        var conf = LibRdKafka.ConfNew();
        var error = new byte[512];
        // Quiet: the handle never connects anywhere; its only job is to own the mock cluster.
        foreach (var (name, value) in new[] { ("log_level", "3"), ("client.id", "cdcbridge-embedded-kafka") })
        {
            if (LibRdKafka.ConfSet(conf, name, value, error, (nuint)error.Length) != 0)
            {
                LibRdKafka.ConfDestroy(conf);
                throw new InvalidOperationException($"librdkafka rejected {name}={value}: {ReadError(error)}");
            }
        }

        var handle = LibRdKafka.New(ProducerType, conf, error, (nuint)error.Length);
        if (handle == IntPtr.Zero)
        {
            LibRdKafka.ConfDestroy(conf); // rd_kafka_new takes the conf only on success
            throw new InvalidOperationException($"librdkafka could not create a handle: {ReadError(error)}");
        }

        var cluster = LibRdKafka.MockClusterNew(handle, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            LibRdKafka.Destroy(handle);
            throw new InvalidOperationException("librdkafka could not create the mock cluster.");
        }

        var bootstrap = Marshal.PtrToStringUTF8(LibRdKafka.MockClusterBootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");
        return new EmbeddedKafka(handle, cluster, brokerCount, bootstrap);
    }

    /// <summary>Creates a topic with exactly this many partitions; replication is min(3, brokers).</summary>
    public void CreateTopic(string topic, int partitions, int? replicationFactor = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var rf = replicationFactor ?? Math.Min(3, BrokerCount);
        Check(LibRdKafka.MockTopicCreate(Cluster, topic, partitions, rf), $"create topic '{topic}'");
    }

    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var codes = errors.Select(e => (int)e).ToArray();
        LibRdKafka.MockPushRequestErrorsArray(Cluster, (short)apiKey, (nuint)codes.Length, codes);
    }

    public void ClearRequestErrors(KafkaApiKey apiKey) => LibRdKafka.MockClearRequestErrors(Cluster, (short)apiKey);

    public void SetBrokerDown(int brokerId) => Check(LibRdKafka.MockBrokerSetDown(Cluster, brokerId), $"take broker {brokerId} down");

    public void SetBrokerUp(int brokerId) => Check(LibRdKafka.MockBrokerSetUp(Cluster, brokerId), $"bring broker {brokerId} up");

    public void SetBrokerRoundTripTime(int brokerId, TimeSpan rtt) =>
        Check(LibRdKafka.MockBrokerSetRtt(Cluster, brokerId, (int)rtt.TotalMilliseconds), $"set broker {brokerId} rtt");

    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(LibRdKafka.MockPartitionSetLeader(Cluster, topic, partition, brokerId), $"move {topic}[{partition}] to broker {brokerId}");

    public void Dispose()
    {
        lock (_gate)
        {
            // Order matters: destroying the handle first aborts the process.
            if (_cluster != IntPtr.Zero)
            {
                LibRdKafka.MockClusterDestroy(_cluster);
                _cluster = IntPtr.Zero;
            }

            if (_handle != IntPtr.Zero)
            {
                LibRdKafka.Destroy(_handle);
                _handle = IntPtr.Zero;
            }
        }
    }

    private IntPtr Cluster => _cluster != IntPtr.Zero ? _cluster : throw new ObjectDisposedException(nameof(EmbeddedKafka));

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"Embedded Kafka could not {what}: {LibRdKafka.DescribeError(error)}");
        }
    }

    private static string ReadError(byte[] buffer)
    {
        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
