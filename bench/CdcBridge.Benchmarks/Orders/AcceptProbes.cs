using System.Diagnostics;
using System.Diagnostics.Metrics;
using CdcBridge.Orders;
using Confluent.Kafka;
using Npgsql;

namespace CdcBridge.Benchmarks.Orders;

/// <summary>
/// The receiver's own answer times (its <c>cdcbridge.orders.webhooks.accept.duration</c> histogram, arrival → answer
/// decided), collected while listening: against the client's times they show what HTTP and the client add.
/// </summary>
internal sealed class ReceiverTimes : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private List<double> _values = [];

    public ReceiverTimes()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OrdersMetrics.MeterName && instrument.Name == OrdersMetrics.Names.WebhookAcceptDuration)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_gate)
            {
                _values.Add(value * 1000); // the histogram is in seconds, the bench reports ms
            }
        });
        _listener.Start();
    }

    /// <summary>What was recorded since the last call.</summary>
    public Latencies Take()
    {
        lock (_gate)
        {
            var taken = _values;
            _values = [];
            return new Latencies(taken);
        }
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>Kafka's part of an accept alone: produce → ack of records of a body's size with the intake producer's settings.</summary>
internal static class KafkaAckProbe
{
    public static async Task<Latencies> MeasureAsync(string bootstrap, string topic, byte[] value, int count, CancellationToken ct)
    {
        // As IntakeProducer: acks=all, idempotent, 1 ms linger, each produce awaited to its ack.
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 1,
        }).Build();
        var times = new List<double>(count);
        for (var i = -50; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = BitConverter.GetBytes(i), Value = value }, ct);
            if (i >= 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds); // the first 50 warm the connections up
            }
        }

        return new Latencies(times);
    }
}

/// <summary>
/// PostgreSQL's part of an accept alone: WebhookDeliveryLog.RecordOnceAsync's statements (pooled connection, advisory
/// lock on the webhook id, existence check, insert, commit) into a scratch copy of its table, without the produce.
/// </summary>
internal static class DeliveryLogProbe
{
    public static async Task<Latencies> MeasureAsync(string sidecar, int count, CancellationToken ct)
    {
        await using var database = NpgsqlDataSource.Create(sidecar);
        await using (var setup = database.CreateCommand(
            """
            CREATE SCHEMA IF NOT EXISTS ordbench;
            CREATE TABLE IF NOT EXISTS ordbench.webhook_deliveries (LIKE orders.webhook_deliveries INCLUDING ALL);
            """))
        {
            await setup.ExecuteNonQueryAsync(ct);
        }

        var times = new List<double>(count);
        for (var i = -50; i < count; i++)
        {
            var webhookId = Guid.NewGuid().ToString();
            var clock = Stopwatch.StartNew();
            await using (var connection = await database.OpenConnectionAsync(ct))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, hashtext($2))", connection, tx))
                {
                    lockCommand.Parameters.Add(new() { Value = 727274099 });
                    lockCommand.Parameters.Add(new() { Value = webhookId });
                    await lockCommand.ExecuteNonQueryAsync(ct);
                }

                await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM ordbench.webhook_deliveries WHERE webhook_id = $1)", connection, tx))
                {
                    exists.Parameters.Add(new() { Value = webhookId });
                    await exists.ExecuteScalarAsync(ct);
                }

                await using (var insert = new NpgsqlCommand(
                    """
                    INSERT INTO ordbench.webhook_deliveries (webhook_id, shop_domain, topic, order_id, received_at, kafka_partition, kafka_offset)
                    VALUES ($1, 'probe.myshopify.com', 'orders/create', $2, now(), 0, $2)
                    """, connection, tx))
                {
                    insert.Parameters.Add(new() { Value = webhookId });
                    insert.Parameters.Add(new() { Value = (long)i });
                    await insert.ExecuteNonQueryAsync(ct);
                }

                await tx.CommitAsync(ct);
            }

            if (i >= 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds); // the first 50 warm the pool up
            }
        }

        return new Latencies(times);
    }
}

/// <summary>
/// How late a thread that sleeps 1 ms wakes up, sampled in a loop while a measurement runs: the scheduling delay every
/// wake-up of an accept (HTTP read, each database and Kafka answer) can meet on a machine whose cores are shared.
/// </summary>
internal sealed class WakeLateness : IDisposable
{
    private readonly Thread _thread;
    private readonly List<double> _late = [];
    private volatile bool _stop;

    public WakeLateness()
    {
        _thread = new Thread(Sample) { IsBackground = true, Name = "wake-lateness" };
        _thread.Start();
    }

    public Latencies Stop()
    {
        _stop = true;
        _thread.Join();
        return new Latencies(_late);
    }

    public void Dispose()
    {
        if (!_stop)
        {
            Stop();
        }
    }

    private void Sample()
    {
        while (!_stop)
        {
            var clock = Stopwatch.StartNew();
            Thread.Sleep(1);
            _late.Add(Math.Max(0, clock.Elapsed.TotalMilliseconds - 1));
        }
    }
}
