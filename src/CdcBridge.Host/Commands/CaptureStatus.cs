using System.Globalization;
using System.Text.Json;
using CdcBridge.Debezium;
using CdcBridge.DevStack;
using Npgsql;

namespace CdcBridge.Host.Commands;

/// <summary>
/// What <c>cdcbridge status</c> shows about change capture: events and events/s (from the running stack's status
/// file), the slot's confirmed LSN and how far it is behind the WAL head, in bytes and seconds.
/// </summary>
internal sealed record CaptureStatus(long Events, double EventsPerSecond, string? ConfirmedLsn, string WalHead, long LagBytes, double LagSeconds, DateTime UpdatedAt)
{
    public const string FileName = "status.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Written by the running stack every two seconds.</summary>
    public static async Task WriteLoopAsync(EmbeddedStack stack, string stateDirectory, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        var previous = (Events: stack.Capture?.EventsCaptured ?? 0, At: DateTime.UtcNow);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                var events = stack.Capture?.EventsCaptured ?? 0;
                var now = DateTime.UtcNow;
                var rate = (events - previous.Events) / (now - previous.At).TotalSeconds;
                previous = (events, now);
                var status = await QueryAsync(stack.Endpoints.Postgres.Odoo, events, rate, stack.Capture?.Current.LastCommitAt, ct) with
                {
                    Restarts = stack.Capture?.Restarts ?? 0,
                    LastError = stack.Capture?.LastError,
                };
                var path = Path.Combine(stateDirectory, FileName);
                await File.WriteAllTextAsync(path + ".tmp", JsonSerializer.Serialize(status, Json), ct);
                File.Move(path + ".tmp", path, overwrite: true);
            }
            catch (NpgsqlException)
            {
                // PostgreSQL is stopping or busy: the next tick tries again.
            }
        }
    }

    public static async Task<CaptureStatus> QueryAsync(string odoo, long events, double rate, DateTime? lastCommitAt, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(odoo);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_current_wal_lsn()::text,
                   (SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1),
                   coalesce((SELECT pg_current_wal_lsn() - confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1), 0)::bigint
            """, connection)
        { Parameters = { new() { Value = CaptureSettings.Odoo.SlotName } } };
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var confirmed = await reader.IsDBNullAsync(1, ct) ? null : reader.GetString(1);
        var lagBytes = reader.GetInt64(2);
        // Caught up means no lag; otherwise the changes waiting are at least as old as the last commit streamed.
        var lagSeconds = lagBytes <= 0 || lastCommitAt is null ? 0 : Math.Max(0, (DateTime.UtcNow - lastCommitAt.Value).TotalSeconds);
        return new CaptureStatus(events, rate, confirmed, reader.GetString(0), lagBytes, lagSeconds, DateTime.UtcNow);
    }

    public static async Task<CaptureStatus?> ReadAsync(string stateDirectory, CancellationToken ct)
    {
        var path = Path.Combine(stateDirectory, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<CaptureStatus>(await File.ReadAllTextAsync(path, ct), Json) : null;
    }

    /// <summary>How often the supervised capture started again after stopping on an error.</summary>
    public int Restarts { get; init; }

    /// <summary>Why it last stopped (null while it never has).</summary>
    public string? LastError { get; init; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"capture: {Events} events ({EventsPerSecond:0.#}/s), slot confirmed {ConfirmedLsn ?? "-"}, WAL head {WalHead}, {LagBytes} bytes / {LagSeconds:0.#} s behind")
        + (Restarts > 0 ? $", {Restarts} restart(s), the last because: {LastError}" : "");
}
