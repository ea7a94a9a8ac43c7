using System.CommandLine;
using System.Text.Json;
using CdcBridge.DevStack;

namespace CdcBridge.Host.Commands;

/// <summary><c>cdcbridge status</c>: the running stack's parts and how far change capture is behind.</summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var stateDir = StateDirectory.CreateOption();
        var json = new Option<bool>("--json") { Description = "Print the status as JSON." };
        var command = new Command("status", "Show the running stack's endpoints and change capture (events, events/s, confirmed LSN, lag in bytes and seconds).")
        {
            stateDir, json,
        };
        command.SetAction((parse, ct) => CliError.GuardAsync("status", async () =>
        {
            var state = parse.GetValue(stateDir)!;
            var endpoints = await StackEndpoints.TryReadAsync(state, ct)
                ?? throw new CliError($"no running stack found ({StackEndpoints.PathIn(state)} is missing): start one with 'make up'.");
            var status = await CaptureStatus.ReadAsync(state, ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { kafka = endpoints.Kafka.Bootstrap, schemaRegistry = endpoints.SchemaRegistry?.Url, capture = status },
                    Json));
                return 0;
            }

            Console.WriteLine($"kafka: {endpoints.Kafka.Bootstrap}");
            Console.WriteLine($"schema registry: {endpoints.SchemaRegistry?.Url ?? "-"}");
            Console.WriteLine(status?.ToString() ?? "capture: no status yet (it is written every 2 s)");
            return 0;
        }));
        return command;
    }
}
