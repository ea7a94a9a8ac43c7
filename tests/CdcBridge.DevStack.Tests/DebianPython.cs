using System.Diagnostics;

namespace CdcBridge.DevStack.Tests;

/// <summary>
/// Runs a script with Debian's interpreter, where the independent clients the tests check against live
/// (python3-confluent-kafka, python3-requests, python3-odoorpc); a pyenv python on PATH has none of them.
/// </summary>
internal static class DebianPython
{
    /// <summary>The script's standard output; a non-zero exit fails the test with its standard error.</summary>
    public static async Task<string> RunAsync(string script, IEnumerable<string> arguments, CancellationToken ct)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PYTHONIOENCODING"] = "utf-8";
        info.Environment["NO_PROXY"] = "127.0.0.1,localhost";
        info.Environment["no_proxy"] = "127.0.0.1,localhost";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        process.ExitCode.Should().Be(0, "python3 failed: {0}", await stderr);
        return await stdout;
    }
}
