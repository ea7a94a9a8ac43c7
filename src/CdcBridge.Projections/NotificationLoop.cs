using Npgsql;

namespace CdcBridge.Projections;

/// <summary>
/// The outer loop of a worker that PostgreSQL notifications wake (the outbox relays and dispatchers). It opens a
/// connection, runs <c>setup</c> on it (its LISTEN, a session lock) and hands it to the worker. After a transient failure
/// it waits <see cref="RetryDelay.Jittered"/> and opens a new one. The worker runs until cancelled or until it throws,
/// and calls the <c>succeeded</c> action it is given after each good cycle, which starts the delays over.
/// </summary>
public sealed class NotificationLoop(string connectionString, string setup)
{
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Failures that are retried; anything else ends the loop with the exception. Default: PostgreSQL's and timeouts.</summary>
    public Func<Exception, bool> IsTransient { get; init; } = static ex => ex is NpgsqlException or TimeoutException;

    /// <summary>Told of every transient failure: the exception, the failures in a row, and the wait before the next attempt.</summary>
    public Action<Exception, int, TimeSpan>? Failed { get; init; }

    public async Task RunAsync(Func<NpgsqlConnection, Action, CancellationToken, Task> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var listener = new NpgsqlConnection(connectionString);
                await listener.OpenAsync(ct);
                await using (var command = new NpgsqlCommand(setup, listener))
                {
                    await command.ExecuteNonQueryAsync(ct);
                }

                await work(listener, () => failures = 0, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                failures++;
                var delay = RetryDelay.Jittered(failures, FirstDelay, MaxDelay);
                Failed?.Invoke(ex, failures, delay);
                try
                {
                    await Task.Delay(delay, Time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
