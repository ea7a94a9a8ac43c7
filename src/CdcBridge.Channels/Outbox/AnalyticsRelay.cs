using CdcBridge.Projections;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CdcBridge.Channels.Outbox;

/// <summary>
/// Produces the analytics outbox to Kafka in id order and deletes what the broker acknowledged: at least once, in
/// order per key (one relay, an idempotent producer). Woken by the outbox's NOTIFY; a crash between the acknowledgement
/// and the delete produces a record twice, which consumers of these topics must tolerate (the key + computed_at tell).
/// </summary>
public sealed partial class AnalyticsRelay(string connectionString, string kafkaBootstrap, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _produced;

    public long Produced => Interlocked.Read(ref _produced);

    public Task Completion => _loop;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = kafkaBootstrap,
            Partitioner = Partitioner.Murmur2Random, // same partition for a key as Java clients would pick
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        }).Build();
        var loop = new NotificationLoop(connectionString, $"LISTEN {AnalyticsOutbox.Notification}")
        {
            IsTransient = static ex => ex is NpgsqlException or KafkaException or ProduceException<byte[]?, byte[]?> or TimeoutException,
            Failed = (ex, failures, delay) => LogFailed(logger, ex, failures, delay),
        };
        await loop.RunAsync(async (listener, succeeded, token) =>
        {
            while (!token.IsCancellationRequested)
            {
                if (await RelayBatchAsync(producer, token) == 0)
                {
                    // Wait for the next NOTIFY; the timeout only guards against a notification lost with a connection.
                    await listener.WaitAsync(TimeSpan.FromSeconds(5), token);
                }

                succeeded();
            }
        }, ct);
    }

    private async Task<int> RelayBatchAsync(IProducer<byte[]?, byte[]?> producer, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var rows = new List<(long Id, string Topic, byte[]? Key, byte[]? Value)>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, topic, record_key, record_value FROM channels.analytics_outbox ORDER BY id LIMIT 2000", connection))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), await reader.IsDBNullAsync(2, ct) ? null : (byte[])reader[2], await reader.IsDBNullAsync(3, ct) ? null : (byte[])reader[3]));
            }
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        var deliveries = rows.Select(r => producer.ProduceAsync(r.Topic, new Message<byte[]?, byte[]?> { Key = r.Key, Value = r.Value }, ct)).ToList();
        await Task.WhenAll(deliveries);
        await using (var delete = new NpgsqlCommand("DELETE FROM channels.analytics_outbox WHERE id <= $1", connection))
        {
            delete.Parameters.Add(new() { Value = rows[^1].Id });
            await delete.ExecuteNonQueryAsync(ct);
        }

        Interlocked.Add(ref _produced, rows.Count);
        return rows.Count;
    }

    [LoggerMessage(1, LogLevel.Warning, "Analytics relay failed (attempt {Failures}); retrying in {Delay}")]
    private static partial void LogFailed(ILogger logger, Exception exception, int failures, TimeSpan delay);
}
