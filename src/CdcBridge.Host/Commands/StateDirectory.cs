using System.CommandLine;

namespace CdcBridge.Host.Commands;

/// <summary>The <c>--state-dir</c> option every stack command shares; CDCBRIDGE_STATE_DIR overrides the default.</summary>
internal static class StateDirectory
{
    public static Option<string> CreateOption() => new("--state-dir")
    {
        Description = "Folder for the embedded stack's state (PostgreSQL cluster, logs, endpoints.json).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CDCBRIDGE_STATE_DIR") is { Length: > 0 } dir ? dir : ".cdcbridge",
        Recursive = true, // also accepted after subcommands: 'dev stop --state-dir ...'
    };

    public static string PidFile(string stateDirectory) => Path.Combine(stateDirectory, "dev.pid");
}
