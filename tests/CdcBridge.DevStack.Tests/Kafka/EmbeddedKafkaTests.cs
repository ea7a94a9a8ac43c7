using System.Collections.Concurrent;
using CdcBridge.DevStack.Kafka;
using CdcBridge.DevStack.Postgres;
using CdcBridge.Testing;
using Confluent.Kafka;

namespace CdcBridge.DevStack.Tests.Kafka;

public sealed class EmbeddedKafkaTests(InfrastructureFixture fixture)
{
    private readonly ITestInfrastructure _infra = fixture.Infrastructure;

    [Fact]
    public async Task Members_of_a_consumer_group_split_the_partitions_and_together_read_every_message()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = UniqueName.For("group");
        await _infra.CreateTopicAsync(topic, 4, ct);
        var expected = Enumerable.Range(0, 200).Select(i => $"v{i}").ToHashSet();
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _infra.KafkaBootstrap }).Build())
        {
            var results = await Task.WhenAll(expected.Select(value =>
                producer.ProduceAsync(topic, new Message<string, string> { Key = "k" + value, Value = value }, ct)));
            results.Should().OnlyContain(r => r.Status == PersistenceStatus.Persisted);
        }

        var group = UniqueName.For("group");
        var seen = new ConcurrentDictionary<string, int>();
        var assignments = new List<TopicPartition>[2];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(90));

        bool Done()
        {
            var a = Volatile.Read(ref assignments[0]);
            var b = Volatile.Read(ref assignments[1]);
            return seen.Count == expected.Count && a is { Count: > 0 } && b is { Count: > 0 } && !a.Intersect(b).Any() && a.Count + b.Count == 4;
        }

        var members = Enumerable.Range(0, 2).Select(m => Task.Run(() =>
        {
            var config = new ConsumerConfig
            {
                BootstrapServers = _infra.KafkaBootstrap,
                GroupId = group,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                SessionTimeoutMs = 10_000,
                HeartbeatIntervalMs = 500,
            };
            using var consumer = new ConsumerBuilder<string, string>(config).Build();
            consumer.Subscribe(topic);
            while (!Done() && !deadline.IsCancellationRequested)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } record)
                {
                    seen.AddOrUpdate(record.Message.Value, 1, (_, n) => n + 1);
                }

                Volatile.Write(ref assignments[m], [.. consumer.Assignment]);
            }

            consumer.Close();
        }, ct)).ToArray();
        await Task.WhenAll(members);

        seen.Keys.Should().BeEquivalentTo(expected, "the group as a whole reads every message");
        assignments[0].Should().NotBeEmpty("both members get partitions");
        assignments[1].Should().NotBeEmpty("both members get partitions");
        assignments[0].Concat(assignments[1]).Select(tp => tp.Partition.Value).Should().BeEquivalentTo([0, 1, 2, 3]);
    }

    [Fact]
    public async Task An_injected_produce_error_fails_a_producer_without_retries_and_is_retried_away_by_one_with_retries()
    {
        var ct = TestContext.Current.CancellationToken;
        using var kafka = EmbeddedKafka.Start(3); // private cluster: its faults disturb no other test
        const string topic = "faults";
        kafka.CreateTopic(topic, 1);

        kafka.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas);
        using (var fragile = NewProducer(kafka, retries: 0))
        {
            var failure = await Assert.ThrowsAsync<ProduceException<Null, string>>(
                () => fragile.ProduceAsync(topic, new Message<Null, string> { Value = "first" }, ct));
            failure.Error.Code.Should().Be(ErrorCode.NotEnoughReplicas, "the injected error reaches a producer that does not retry");
        }

        kafka.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicas);
        using var sturdy = NewProducer(kafka, retries: 10);
        var delivered = await sturdy.ProduceAsync(topic, new Message<Null, string> { Value = "second" }, ct);
        delivered.Status.Should().Be(PersistenceStatus.Persisted, "three injected errors are retried away");
        ReadAll(kafka, topic, 1).Should().Equal("second");
    }

    [Fact]
    public async Task A_producer_fails_over_when_the_leader_broker_goes_down_and_leadership_moves()
    {
        var ct = TestContext.Current.CancellationToken;
        using var kafka = EmbeddedKafka.Start(3);
        const string topic = "failover";
        kafka.CreateTopic(topic, 1);
        kafka.SetPartitionLeader(topic, 0, 1);
        using var producer = NewProducer(kafka, retries: 100);
        (await producer.ProduceAsync(topic, new Message<Null, string> { Value = "before" }, ct)).Status.Should().Be(PersistenceStatus.Persisted);

        kafka.SetBrokerDown(1);
        kafka.SetPartitionLeader(topic, 0, 2);
        var after = await producer.ProduceAsync(topic, new Message<Null, string> { Value = "after" }, ct);

        after.Status.Should().Be(PersistenceStatus.Persisted);
        ReadAll(kafka, topic, 2).Should().Equal("before", "after");
    }

    [Fact]
    public async Task A_slow_broker_times_out_a_producer_with_a_shorter_deadline_until_its_round_trip_time_is_reset()
    {
        var ct = TestContext.Current.CancellationToken;
        using var kafka = EmbeddedKafka.Start(1);
        const string topic = "slow";
        kafka.CreateTopic(topic, 1);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            MessageTimeoutMs = 1_500,
            RequestTimeoutMs = 1_000,
            EnableIdempotence = false,
        }).Build();
        (await producer.ProduceAsync(topic, new Message<Null, string> { Value = "warm-up" }, ct)).Status.Should().Be(PersistenceStatus.Persisted);

        kafka.SetBrokerRoundTripTime(1, TimeSpan.FromSeconds(5));
        var slow = await Assert.ThrowsAsync<ProduceException<Null, string>>(
            () => producer.ProduceAsync(topic, new Message<Null, string> { Value = "slow" }, ct));
        slow.Error.Code.Should().Be(ErrorCode.Local_MsgTimedOut);

        kafka.SetBrokerRoundTripTime(1, TimeSpan.Zero);
        (await producer.ProduceAsync(topic, new Message<Null, string> { Value = "fast again" }, ct)).Status.Should().Be(PersistenceStatus.Persisted);
    }

    [Fact]
    public async Task Kcat_reads_what_dotnet_produced()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = UniqueName.For("kcat");
        await _infra.CreateTopicAsync(topic, 2, ct);
        var records = new Dictionary<string, string> { ["sku-1"] = "Grüße aus Köln", ["sku-2"] = "東京", ["sku-3"] = "plain ascii" };
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _infra.KafkaBootstrap }).Build())
        {
            foreach (var (key, value) in records)
            {
                await producer.ProduceAsync(topic, new Message<string, string> { Key = key, Value = value }, ct);
            }
        }

        var stdout = await ProcessRunner.RunAsync("kcat",
            ["-b", _infra.KafkaBootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n"], ct);

        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => p[1]).Should().BeEquivalentTo(records);
    }

    private static IProducer<Null, string> NewProducer(EmbeddedKafka kafka, int retries) =>
        new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = false,
            MessageSendMaxRetries = retries,
            RetryBackoffMs = 20,
            MessageTimeoutMs = 60_000,
            TopicMetadataRefreshIntervalMs = 1_000,
        }).Build();

    private static List<string> ReadAll(EmbeddedKafka kafka, string topic, int count)
    {
        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "unused",
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (values.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
            {
                values.Add(record.Message.Value);
            }
        }

        return values;
    }
}
