using System.Diagnostics;
using System.Globalization;
using CdcBridge.DevStack;
using CdcBridge.DevStack.Postgres;

namespace CdcBridge.Host.Commands;

/// <summary>Stops a background <c>cdcbridge dev</c> (SIGTERM, then wait) and whatever a crashed one left running.</summary>
internal static class DevStopper
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public static int? RunningPid(string stateDirectory)
    {
        var pidFile = StateDirectory.PidFile(stateDirectory);
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited || pid == Environment.ProcessId ? null : pid;
        }
        catch (ArgumentException)
        {
            return null; // no such process: a stale pid file
        }
    }

    public static async Task<int> StopAsync(string stateDirectory, CancellationToken ct)
    {
        var state = Path.GetFullPath(stateDirectory);
        var stopped = false;
        if (RunningPid(state) is { } pid)
        {
            using var process = Process.GetProcessById(pid);
            if (!ProcessSignals.Terminate(pid))
            {
                await Console.Error.WriteLineAsync($"cdcbridge dev stop: could not signal pid {pid}.");
                return 1;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Patience);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"cdcbridge dev stop: pid {pid} did not stop within {Patience.TotalSeconds:0} s; killing it.");
                process.Kill(entireProcessTree: true);
            }

            Console.WriteLine($"Stopped the embedded stack (pid {pid}).");
            stopped = true;
        }

        // A stack that was killed cannot stop its PostgreSQL; pg_ctl finds it by its postmaster.pid.
        await EmbeddedPostgres.StopLeftoverAsync(Path.Combine(state, "postgres"), ct);
        File.Delete(StackEndpoints.PathIn(state));
        File.Delete(StateDirectory.PidFile(state));
        if (!stopped)
        {
            Console.WriteLine("No embedded stack was running.");
        }

        return 0;
    }
}
