using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Registry;
using CdcBridge.Capture;
using CdcBridge.Debezium;
using CdcBridge.Debezium.Events;
using CdcBridge.DevStack.SchemaRegistry;
using CdcBridge.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>One change read back from Kafka: its topic, partition, key bytes (hex), the decoded envelope and its headers (UTF-8).</summary>
internal sealed record Consumed(string Topic, int Partition, string Key, RowChange Change, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// An Odoo database of its own, an embedded registry and an embedded capture under a unique topic prefix and slot,
/// with the reads the capture tests share.
/// </summary>
internal sealed class CaptureHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private EmbeddedSchemaRegistry? _registry;
    private SchemaRegistryClient? _client;

    private CaptureHarness(ITestInfrastructure infra, string kafkaBootstrap)
    {
        Infrastructure = infra;
        KafkaBootstrap = kafkaBootstrap;
    }

    public ITestInfrastructure Infrastructure { get; }

    public string KafkaBootstrap { get; }

    public string Prefix { get; } = UniqueName.For("cap")[..16];

    public string Odoo { get; private set; } = "";

    public EmbeddedCapture? Capture { get; private set; }

    /// <summary>The connector's settings under this harness's prefix and slot; heartbeats rare enough to stay out of the way.</summary>
    public CaptureSettings Settings => CaptureSettings.Odoo with { TopicPrefix = Prefix, SlotName = Prefix, HeartbeatInterval = TimeSpan.FromMinutes(10) };

    public string Topic(string table) => $"{Prefix}.public.{table}";

    public static async Task<CaptureHarness> StartAsync(ITestInfrastructure infra, string? kafkaBootstrap = null, CancellationToken ct = default)
    {
        var harness = new CaptureHarness(infra, kafkaBootstrap ?? infra.KafkaBootstrap);
        harness.Odoo = await infra.CreateOdooDatabaseAsync(ct);
        harness._registry = await EmbeddedSchemaRegistry.StartAsync(await infra.CreateEmptyDatabaseAsync(ct), ct: ct);
        harness._client = new SchemaRegistryClient(new SchemaRegistryOptions { Url = harness._registry.Url });
        return harness;
    }

    /// <summary>Starts capture and waits for its initial snapshot to be in Kafka (or for it to fail).</summary>
    public async Task<EmbeddedCapture> StartCaptureAsync(Func<CaptureOptions, CaptureOptions>? configure = null)
    {
        var options = Options();
        Capture = await EmbeddedCapture.StartAsync(configure?.Invoke(options) ?? options, NullLogger.Instance);
        await (await Task.WhenAny(Capture.SnapshotCompleted, Capture.Completion)).WaitAsync(Patience);
        return Capture;
    }

    /// <summary>The capture's options for this harness's database, broker, registry and settings.</summary>
    public CaptureOptions Options() => new() { ConnectionString = Odoo, KafkaBootstrap = KafkaBootstrap, Registry = _client!, Settings = Settings };

    public IConsumer<byte[]?, byte[]?> Consumer(params string[] topics)
    {
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = KafkaBootstrap,
            GroupId = UniqueName.For("g"),
            EnableAutoCommit = false,
        }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = KafkaBootstrap }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics;
        consumer.Assign(topics.SelectMany(topic => metadata.Single(t => t.Topic == topic).Partitions
            .Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning))));
        return consumer;
    }

    /// <summary>Reads (tombstones included) until <paramref name="done"/> holds for the list read so far.</summary>
    public async Task<List<Consumed>> ReadUntilAsync(IConsumer<byte[]?, byte[]?> consumer, Func<List<Consumed>, bool> done, CancellationToken ct)
    {
        var deserializer = new AvroDeserializer(_client!);
        var read = new List<Consumed>();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { } record)
            {
                continue;
            }

            var context = new SerializationContext(MessageComponentType.Value, record.Topic);
            var key = record.Message.Key is null ? null : await deserializer.DeserializeAsync(record.Message.Key, false, context);
            var value = record.Message.Value is null ? null : await deserializer.DeserializeAsync(record.Message.Value, false, context);
            read.Add(new Consumed(record.Topic, record.Partition.Value, record.Message.Key is null ? "" : Convert.ToHexString(record.Message.Key),
                ChangeEventReader.Read(record.Topic, key, value),
                (record.Message.Headers ?? []).ToDictionary(h => h.Key, h => System.Text.Encoding.UTF8.GetString(h.GetValueBytes()))));
            if (done(read))
            {
                return read;
            }
        }

        throw new TimeoutException($"The awaited changes did not arrive within {Patience.TotalSeconds} s ({read.Count} changes read).");
    }

    public async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(Odoo);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(Odoo);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, db);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Every quant's id and quantity, as committed now.</summary>
    public async Task<Dictionary<int, decimal>> QuantsAsync(CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(Odoo);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT id, quantity FROM stock_quant", db);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var quants = new Dictionary<int, decimal>();
        while (await reader.ReadAsync(ct))
        {
            quants[reader.GetInt32(0)] = reader.GetDecimal(1);
        }

        return quants;
    }

    public async Task<NpgsqlLogSequenceNumber> ConfirmedFlushAsync(CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(Odoo);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '{Prefix}'", db);
        return (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Capture is not null)
        {
            await Capture.DisposeAsync();
        }

        if (Odoo.Length > 0)
        {
            await using var db = new NpgsqlConnection(Odoo);
            await db.OpenAsync();
            await using var drop = new NpgsqlCommand($"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{Prefix}'", db);
            await drop.ExecuteNonQueryAsync();
        }

        _client?.Dispose();
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }
}
