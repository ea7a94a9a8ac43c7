using System.CommandLine;
using CdcBridge.DevStack;
using CdcBridge.Host.Configuration;

namespace CdcBridge.Host.Commands;

/// <summary>Which sidecar database a command looks at: the one of <c>--config</c>, else the running dev stack's.</summary>
internal static class SidecarDatabase
{
    public static Option<string?> CreateConfigOption() => new("--config", "-c")
    {
        Description = "The configuration file of a 'cdcbridge run' sidecar; without it, the stack of --state-dir.",
    };

    public static async Task<string> ConnectionStringAsync(string? config, string stateDirectory, CancellationToken ct)
    {
        if (config is not null)
        {
            return SidecarConfigurationLoader.Load(config).SidecarDatabase;
        }

        var endpoints = await StackEndpoints.TryReadAsync(stateDirectory, ct)
            ?? throw new CliError($"no running stack found ({StackEndpoints.PathIn(stateDirectory)} is missing): start one with 'make up', or pass --config.");
        return endpoints.Postgres.Sidecar;
    }
}
