using System.Diagnostics;

namespace CdcBridge.IntegrationTests;

/// <summary>Runs Python/confluent_avro.py with Debian's interpreter (where python3-confluent-kafka is installed).</summary>
internal static class ConfluentPython
{
    public static async Task<string> RunAsync(string[] args, CancellationToken ct)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Python", "confluent_avro.py"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        process.ExitCode.Should().Be(0, await stderr);
        return await stdout;
    }
}
