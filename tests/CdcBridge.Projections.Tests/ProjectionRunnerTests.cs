using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Registry;
using CdcBridge.Avro.Schemas;
using CdcBridge.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.Projections.Tests;

/// <summary>
/// The receive loop against the embedded broker and PostgreSQL: exactly-once application, parking, guard, retries; with
/// partitions shared out in a consumer group, and assigned all to one runner for a projector that spans partitions.
/// </summary>
public sealed class ProjectionRunnerTests(RegistryInfrastructure fixture) : IAsyncLifetime
{
    private static readonly AvroSchema Schema = AvroSchema.Parse("""{"type":"record","name":"Item","namespace":"test","fields":[{"name":"name","type":"string"}]}""");
    private readonly string _topic = UniqueName.For("tally");
    private string _database = "";
    private SchemaRegistryClient? _registry;

    public async ValueTask InitializeAsync()
    {
        await fixture.Infrastructure.CreateTopicAsync(_topic, 3);
        _database = await fixture.Infrastructure.CreateEmptyDatabaseAsync();
        _registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = fixture.RegistryUrl });
    }

    public ValueTask DisposeAsync()
    {
        _registry?.Dispose();
        return ValueTask.CompletedTask;
    }

    private ProjectionOptions Options(string epoch = "1") => new()
    {
        KafkaBootstrap = fixture.Infrastructure.KafkaBootstrap,
        ConnectionString = _database,
        Epoch = epoch,
        MaxBatchSize = 25,
        RetryBackoff = TimeSpan.FromMilliseconds(20),
        GroupPrefix = UniqueName.For("g"),
    };

    private Task ProduceAsync(IEnumerable<string> names) => ProduceAsync(_topic, names);

    private async Task ProduceAsync(string topic, IEnumerable<string> names)
    {
        var serializer = new AvroSerializer(_registry!, Schema);
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = fixture.Infrastructure.KafkaBootstrap }).Build();
        foreach (var name in names)
        {
            var value = await serializer.SerializeAsync(new Dictionary<string, object?> { ["name"] = name }, new SerializationContext(MessageComponentType.Value, topic));
            await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = name, Value = value });
        }
    }

    private async Task ProduceRawAsync(byte[] value)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = fixture.Infrastructure.KafkaBootstrap }).Build();
        await producer.ProduceAsync(_topic, new Message<string, byte[]> { Key = "raw", Value = value });
    }

    private async Task<Dictionary<string, string>> AppliedByAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT name, by FROM tally", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }

        return result;
    }

    private async Task<Dictionary<string, int>> TallyAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT name, n FROM tally", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new Dictionary<string, int>();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = reader.GetInt32(1);
        }

        return result;
    }

    private async Task<List<(long Offset, string Reason)>> ParkedAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT record_offset, reason FROM projections.parked ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new List<(long, string)>();
        while (await reader.ReadAsync())
        {
            result.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return result;
    }

    private async Task<ProjectionRunner> StartAsync(TallyProjector projector, ProjectionOptions options)
    {
        var runner = new ProjectionRunner(projector, options, _registry!, NullLogger.Instance);
        await runner.StartAsync(TestContext.Current.CancellationToken);
        return runner;
    }

    /// <summary>Waits for a condition the component reports (not for a fixed time).</summary>
    private static async Task Eventually(Func<bool> condition, Func<string> describe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within 60 s: {describe()}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_record_is_applied_exactly_once_across_a_restart(bool spans)
    {
        var names = Enumerable.Range(0, 120).Select(i => $"n{i}").ToList();
        await ProduceAsync(names.Take(80));
        var options = Options();
        await using (var first = await StartAsync(new TallyProjector(_topic) { SpansPartitions = spans }, options))
        {
            await first.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }

        await ProduceAsync(names.Skip(80));
        await using var second = await StartAsync(new TallyProjector(_topic) { SpansPartitions = spans }, options);
        await second.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        var tally = await TallyAsync();
        tally.Keys.Should().BeEquivalentTo(names);
        tally.Values.Should().OnlyContain(n => n == 1);
        second.Positions.Values.Sum().Should().Be(120);
    }

    [Fact]
    public async Task Each_batch_says_how_many_records_are_still_behind_it_never_more_than_are()
    {
        await ProduceAsync(Enumerable.Range(0, 100).Select(i => $"b{i}"));
        var projector = new TallyProjector(_topic);
        await using var runner = await StartAsync(projector, Options());
        await runner.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        List<(int Records, long Remaining)> seen;
        lock (projector.Seen)
        {
            seen = [.. projector.Seen];
        }

        seen.Sum(s => s.Records).Should().Be(100);
        var applied = 0;
        foreach (var (records, remaining) in seen)
        {
            applied += records;
            remaining.Should().BeInRange(0, 100 - applied, "cached watermarks may lag, never lead");
        }

        seen[^1].Remaining.Should().Be(0, "the last batch reaches the end of every partition");
        seen.Should().Contain(s => s.Remaining > 0, "a partition of more than one batch (25) has records behind its first batch");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_batch_is_caught_up_to_the_start_only_once_every_partition_was_read_to_where_it_ended_when_the_runner_started(bool spans)
    {
        // Regression: a rebuild whose last partition read was a warehouse's one record was told "20 behind" and wrote 0
        // for every SKU of the warehouse; Remaining alone cannot tell a record that changes everything from one that does not.
        await ProduceAsync(Enumerable.Range(0, 60).Select(i => $"s{i}"));
        var ends = Ends(_topic, 3);
        ends.Values.Sum().Should().Be(60);
        var projector = new TallyProjector(_topic) { SpansPartitions = spans };
        await using var runner = await StartAsync(projector, Options() with { MaxBatchSize = 5 });
        await runner.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        List<(int Records, bool CaughtUpToStart, Dictionary<int, long> Next)> progress;
        lock (projector.Seen)
        {
            progress = [.. projector.Progress];
        }

        progress.Should().Contain(p => !p.CaughtUpToStart, "the first batch of 5 cannot have read 60 records");
        progress[^1].CaughtUpToStart.Should().BeTrue("the last batch read every partition to its end");
        foreach (var (_, _, next) in progress.Where(p => p.CaughtUpToStart))
        {
            ends.Where(e => next.GetValueOrDefault(e.Key) < e.Value).Should().BeEmpty("a batch caught up to the start has read every partition to its end at the start");
        }
    }

    [Fact]
    public async Task A_partition_ending_in_a_transaction_marker_is_caught_up_to_the_start_once_the_consumer_moves_past_the_marker()
    {
        // Debezium with exactly-once source support ends each transaction with a commit marker: no record is delivered at
        // its offset, so no batch of records reaches the partition's end. Without the consumer's position, the projection
        // would never be caught up to the start and availability would never write a value.
        await ProduceAsync(Enumerable.Range(0, 30).Select(i => $"m{i}"));
        var projector = new TallyProjector(_topic) { SpansPartitions = true };
        await using (var runner = new ProjectionRunner(projector, Options(), _registry!, NullLogger.Instance) { ConsumerSeam = c => new MarkerAtEndConsumer(c) })
        {
            await runner.StartAsync(TestContext.Current.CancellationToken);
            await runner.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }

        var tally = await TallyAsync();
        tally.Should().HaveCount(30);
        tally.Values.Should().OnlyContain(n => n == 1);
        List<(int Records, bool CaughtUpToStart, Dictionary<int, long> Next)> progress;
        lock (projector.Seen)
        {
            progress = [.. projector.Progress];
        }

        progress.Where(p => p.Records > 0).Should().OnlyContain(p => !p.CaughtUpToStart, "the markers were passed only at a poll after the last record");
        progress[^1].Records.Should().Be(0, "once the consumer moved past the markers, a batch without records let the projector settle");
        progress[^1].CaughtUpToStart.Should().BeTrue();
    }

    /// <summary>Each partition's end (high watermark) as the broker tells it now.</summary>
    private Dictionary<int, long> Ends(string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = fixture.Infrastructure.KafkaBootstrap, GroupId = UniqueName.For("ends") }).Build();
        return Enumerable.Range(0, partitions).ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    [Fact]
    public async Task A_record_that_cannot_be_decoded_or_applied_is_parked_and_its_partition_moves_on()
    {
        await ProduceAsync(["a", "poison", "b"]);
        await ProduceRawAsync([0x7f, 1, 2, 3]); // not Confluent's wire format
        await ProduceAsync(["c"]);
        await using var runner = await StartAsync(new TallyProjector(_topic), Options());
        await runner.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        (await TallyAsync()).Keys.Should().BeEquivalentTo(["a", "b", "c"]);
        var parked = await ParkedAsync();
        parked.Should().HaveCount(2);
        parked.Select(p => p.Reason).Should().Contain("poison is not applied").And.Contain(r => r.StartsWith("Undecodable record", StringComparison.Ordinal));
        runner.Status.Parked.Should().Be(2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_batch_is_rolled_back_and_applied_once_on_retry(bool spans)
    {
        await ProduceAsync(Enumerable.Range(0, 30).Select(i => $"r{i}"));
        var projector = new TallyProjector(_topic) { FailNextBatches = 3, SpansPartitions = spans };
        await using var runner = await StartAsync(projector, Options());
        await runner.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        var tally = await TallyAsync();
        tally.Should().HaveCount(30);
        tally.Values.Should().OnlyContain(n => n == 1);
        projector.Loads.Should().BeGreaterThanOrEqualTo(4, "the projector reloads its state after each failed batch");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_writer_whose_position_was_moved_by_another_does_not_apply_those_records_again(bool spans)
    {
        var options = Options();
        await ProduceAsync(["warmup"]);
        await using var runner = await StartAsync(new TallyProjector(_topic) { SpansPartitions = spans }, options);
        await runner.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        // Another instance of the projector took these partitions over, applied the next records and stored its position.
        await using (var connection = new NpgsqlConnection(_database))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand(
                "UPDATE projections.progress SET next_offset = next_offset + 1000000 WHERE projector = 'tally'", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await ProduceAsync(Enumerable.Range(0, 30).Select(i => $"s{i}"));

        await Eventually(() => runner.Status.LastError?.Contains("moved by another writer", StringComparison.Ordinal) == true, () => runner.Status.ToString());

        (await TallyAsync()).Keys.Should().BeEquivalentTo(["warmup"], "the guard rolled back the stale writer's batch");

        // Having re-read the stored positions, the writer drops what the other applied and is healthy again.
        await Eventually(() => runner.Status.ConsecutiveFailures == 0, () => runner.Status.ToString());
        (await TallyAsync()).Keys.Should().BeEquivalentTo(["warmup"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_stored_position_outside_the_log_halts_the_projection_instead_of_silently_rereading_or_skipping(bool spans)
    {
        await ProduceAsync(["p", "q", "r"]);
        var options = Options();
        await using (var first = await StartAsync(new TallyProjector(_topic) { SpansPartitions = spans }, options))
        {
            await first.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }

        // As after the topic was recreated (an in-memory broker restarted) or retention removed what was never applied:
        // the stored positions point outside the partitions' logs.
        await using (var connection = new NpgsqlConnection(_database))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand("UPDATE projections.progress SET next_offset = next_offset + 1000 WHERE projector = 'tally'", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var restarted = await StartAsync(new TallyProjector(_topic) { SpansPartitions = spans }, options);
        await Eventually(() => restarted.Status.Halted, () => restarted.Status.ToString());

        restarted.Status.LastError.Should().Contain("outside the topic's log").And.Contain("rebuild");
        await FluentActions.Awaiting(() => restarted.WaitForCaughtUpAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken))
            .Should().ThrowAsync<InvalidOperationException>().WithMessage("*outside the topic's log*");
        (await TallyAsync()).Values.Should().OnlyContain(n => n == 1, "nothing was applied twice");
    }

    [Fact]
    public async Task A_new_epoch_resets_the_projection_and_rebuilds_it_from_the_topics()
    {
        await ProduceAsync(["x", "y"]);
        await using (var first = await StartAsync(new TallyProjector(_topic), Options("1")))
        {
            await first.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }

        await using var rebuilt = await StartAsync(new TallyProjector(_topic), Options("2") with { GroupPrefix = UniqueName.For("g") });
        await rebuilt.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        (await TallyAsync()).Should().BeEquivalentTo(new Dictionary<string, int> { ["x"] = 1, ["y"] = 1 });
    }

    [Fact]
    public async Task A_projector_that_spans_partitions_gets_every_partition_of_every_topic_including_a_topic_created_after_it_started()
    {
        var later = UniqueName.For("tally-later");
        await ProduceAsync(Enumerable.Range(0, 30).Select(i => $"a{i}"));
        var projector = new TallyProjector(_topic) { SpansPartitions = true, Topics = [_topic, later] };
        await using var runner = await StartAsync(projector, Options() with { PartitionRefreshInterval = TimeSpan.FromMilliseconds(100) });

        // (Not WaitForCaughtUpAsync: its metadata request would have the broker create the missing topic.)
        await Eventually(() => runner.Positions.Values.Sum() == 30, () => runner.Status.ToString());
        runner.Positions.Keys.Should().BeEquivalentTo([(_topic, 0), (_topic, 1), (_topic, 2)], "one runner holds every partition of the topic");

        // A topic that did not exist at the start: a consumer group would assign it once created, so must this runner.
        await fixture.Infrastructure.CreateTopicAsync(later, 2, TestContext.Current.CancellationToken);
        await ProduceAsync(later, Enumerable.Range(0, 10).Select(i => $"b{i}"));
        await Eventually(() => runner.Positions.Where(p => p.Key.Topic == later).Sum(p => p.Value) == 10, () => runner.Status.ToString());

        var tally = await TallyAsync();
        tally.Keys.Should().BeEquivalentTo(Enumerable.Range(0, 30).Select(i => $"a{i}").Concat(Enumerable.Range(0, 10).Select(i => $"b{i}")));
        tally.Values.Should().OnlyContain(n => n == 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_instance_of_an_older_epoch_is_fenced_by_the_guard_and_halts_once_another_instance_rebuilds_the_projection(bool spans)
    {
        var ct = TestContext.Current.CancellationToken;
        await ProduceAsync(Enumerable.Range(0, 20).Select(i => $"e{i}"));
        await using var stale = await StartAsync(new TallyProjector(_topic) { SpansPartitions = spans, Instance = "epoch 1" }, Options("1"));
        await stale.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), ct);

        // Another instance rebuilds the projection (a new epoch) while the first one still runs; then records come that
        // both of them consume.
        await using var rebuilt = await StartAsync(new TallyProjector(_topic) { SpansPartitions = spans, Instance = "epoch 2" },
            Options("2") with { GroupPrefix = UniqueName.For("g") });
        await ProduceAsync(Enumerable.Range(0, 20).Select(i => $"f{i}"));

        await Eventually(() => stale.Status.Halted, () => stale.Status.ToString());
        stale.Status.LastError.Should().Contain("reset under epoch '2'");
        await rebuilt.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), ct);

        var tally = await TallyAsync();
        tally.Should().HaveCount(40);
        tally.Values.Should().OnlyContain(n => n == 1, "the rebuild applied every record once, the old instance none after the reset");
        (await AppliedByAsync()).Values.Should().OnlyContain(by => by == "epoch 2", "the guard let no batch of the old epoch commit after the reset");
        rebuilt.Status.Halted.Should().BeFalse();
    }

    [Fact]
    public async Task While_far_behind_the_runner_applies_larger_batches_and_back_near_the_end_the_live_size()
    {
        await ProduceAsync(Enumerable.Range(0, 400).Select(i => $"c{i}"));
        var projector = new TallyProjector(_topic);
        await using var runner = await StartAsync(projector, Options() with { CatchUpBatchSize = 100 });
        await runner.WaitForCaughtUpAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        List<(int Records, long Remaining)> seen;
        lock (projector.Seen)
        {
            seen = [.. projector.Seen];
        }

        var tally = await TallyAsync();
        tally.Should().HaveCount(400);
        tally.Values.Should().OnlyContain(n => n == 1);
        seen.Should().Contain(s => s.Records > 25, "batches grow past MaxBatchSize (25) while at least CatchUpBatchSize (100) records are behind");
        seen.Should().OnlyContain(s => s.Records <= 100);
        seen.Where(s => s.Records > 25).Should().OnlyContain(s => s.Records + s.Remaining >= 100, "only a batch that started at least 100 behind is a large one");
    }
}
