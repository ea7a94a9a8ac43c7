using Npgsql;
using NpgsqlTypes;

namespace CdcBridge.Channels.Outbox;

/// <summary>An encoded Kafka record (Confluent Avro wire format) waiting in <c>channels.analytics_outbox</c>.</summary>
public sealed record AnalyticsRecord(string Topic, byte[]? Key, byte[]? Value);

/// <summary>Appends analytics records inside the caller's transaction; <see cref="AnalyticsRelay"/> produces them.</summary>
public static class AnalyticsOutbox
{
    public const string Notification = "cdcbridge_analytics_outbox";

    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<AnalyticsRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO channels.analytics_outbox (topic, record_key, record_value)
            SELECT * FROM unnest($1::text[], $2::bytea[], $3::bytea[])
            """, connection, tx);
        command.Parameters.Add(new() { Value = records.Select(r => r.Topic).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = records.Select(r => (object?)r.Key ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new() { Value = records.Select(r => (object?)r.Value ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(ct);
        await using var notify = new NpgsqlCommand($"NOTIFY {Notification}", connection, tx);
        await notify.ExecuteNonQueryAsync(ct);
    }
}
