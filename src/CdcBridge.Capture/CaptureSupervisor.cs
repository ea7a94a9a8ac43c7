using Microsoft.Extensions.Logging;

namespace CdcBridge.Capture;

/// <summary>
/// Keeps the embedded capture running for a long-lived sidecar: when it stops on an error (Kafka refused or lost a
/// record, the database connection broke, the registry was away) it is started again from its slot after a jittered
/// delay that doubles from <see cref="CaptureSupervisorOptions.RetryDelay"/> to
/// <see cref="CaptureSupervisorOptions.MaxRetryDelay"/>. The slot confirmed only what Kafka acknowledged, so a restart
/// repeats at most what was in flight and loses nothing. An error that cannot pass by itself (a column type the
/// capture cannot map) keeps failing at the longest delay; <see cref="LastError"/> and <see cref="Restarts"/> make it
/// visible in the status line rather than letting capture end silently while the rest of the sidecar runs on.
/// </summary>
public sealed partial class CaptureSupervisor : IAsyncDisposable
{
    private readonly CaptureOptions _options;
    private readonly CaptureSupervisorOptions _supervision;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private EmbeddedCapture _current;
    private Task _watch = Task.CompletedTask;
    private long _eventsBefore;
    private int _restarts;
    private volatile string? _lastError;

    private CaptureSupervisor(CaptureOptions options, CaptureSupervisorOptions supervision, ILogger logger, EmbeddedCapture first)
    {
        _options = options;
        _supervision = supervision;
        _logger = logger;
        _current = first;
    }

    /// <summary>The capture running now (a new instance after each restart).</summary>
    public EmbeddedCapture Current => Volatile.Read(ref _current);

    /// <summary>Whether the current capture is running (false while waiting to restart).</summary>
    public bool Running => !Current.Completion.IsCompleted;

    /// <summary>Events captured over every run of this process.</summary>
    public long EventsCaptured => Interlocked.Read(ref _eventsBefore) + Current.EventsCaptured;

    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>Why capture last stopped (null while it never has).</summary>
    public string? LastError => _lastError;

    /// <summary>
    /// What a status line adds after events and position: that capture is stopped and restarting, or how often it
    /// restarted and why; empty while it never stopped.
    /// </summary>
    public string Remark => !Running ? $", STOPPED ({LastError}), restarting after {Restarts} restart(s)"
        : Restarts > 0 ? $", {Restarts} restart(s), the last because: {LastError}"
        : "";

    /// <summary>Starts the capture as <paramref name="options"/> say; restarts always resume from the slot.</summary>
    public static async Task<CaptureSupervisor> StartAsync(CaptureOptions options, ILogger logger, CaptureSupervisorOptions? supervision = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        supervision ??= new CaptureSupervisorOptions();
        supervision.Validate();
        var first = await EmbeddedCapture.StartAsync(options, logger, ct);
        var supervisor = new CaptureSupervisor(options, supervision, logger, first);
        supervisor._watch = Task.Run(supervisor.WatchAsync, CancellationToken.None);
        return supervisor;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        await Current.DisposeAsync();
        _stop.Dispose();
    }

    private async Task WatchAsync()
    {
        var delay = _supervision.RetryDelay;
        while (!_stop.IsCancellationRequested)
        {
            var capture = Current;
            var started = _options.Time.GetTimestamp();
            try
            {
                await capture.Completion.WaitAsync(_stop.Token);
                _lastError = "capture ended without an error";
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _lastError = e.Message;
            }

            // A capture that ran well for a while starts the backoff over.
            if (_options.Time.GetElapsedTime(started) > _supervision.MaxRetryDelay)
            {
                delay = _supervision.RetryDelay;
            }

            Interlocked.Add(ref _eventsBefore, capture.EventsCaptured);
            try
            {
                await capture.DisposeAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Its error is the one reported above.
            }

            var wait = Jitter(delay);
            LogRestarting(_logger, _lastError ?? "", wait.TotalSeconds);
            try
            {
                await Task.Delay(wait, _options.Time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _supervision.MaxRetryDelay.Ticks));
            Volatile.Write(ref _current, await EmbeddedCapture.StartAsync(_options with { FreshSnapshot = false }, _logger, _stop.Token));
            Interlocked.Increment(ref _restarts);
        }
    }

    // ±25 %, so sidecars restarted together do not hammer Kafka or PostgreSQL in step.
    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.75 + (Random.Shared.NextDouble() * 0.5));

    [LoggerMessage(Level = LogLevel.Error, Message = "Capture stopped: {Reason}; starting it again from its slot in {Seconds:F1} s")]
    private static partial void LogRestarting(ILogger logger, string reason, double seconds);
}
