using System.CommandLine;
using System.Text.Json;
using CdcBridge.DevStack;
using CdcBridge.Inventory;
using CdcBridge.Orders.Ledger;
using Npgsql;

namespace CdcBridge.Host.Commands;

/// <summary><c>cdcbridge status</c>: the running stack's parts and how far change capture is behind.</summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var stateDir = StateDirectory.CreateOption();
        var json = new Option<bool>("--json") { Description = "Print the status as JSON." };
        var config = SidecarDatabase.CreateConfigOption();
        var newest = new Option<int>("--parked") { Description = "How many of the newest parked entries to list.", DefaultValueFactory = _ => 10 };
        var command = new Command("status",
            "Show the running stack's endpoints, change capture (events, events/s, confirmed LSN, lag in bytes and seconds), the outbox and parked records.")
        {
            stateDir, json, config, newest,
        };
        command.SetAction((parse, ct) => CliError.GuardAsync("status", async () =>
        {
            var state = parse.GetValue(stateDir)!;
            StackEndpoints? endpoints = null;
            CaptureStatus? status = null;
            if (parse.GetValue(config) is null)
            {
                endpoints = await StackEndpoints.TryReadAsync(state, ct)
                    ?? throw new CliError($"no running stack found ({StackEndpoints.PathIn(state)} is missing): start one with 'make up', or pass --config.");
                status = await CaptureStatus.ReadAsync(state, ct);
            }

            ParkedSummary parked;
            OrdersStatus? orders;
            await using (var connection = new NpgsqlConnection(await SidecarDatabase.ConnectionStringAsync(parse.GetValue(config), state, ct)))
            {
                await connection.OpenAsync(ct);
                parked = await ParkedRecords.ReadAsync(connection, parse.GetValue(newest), ct);
                orders = await OrdersStatus.ReadAsync(connection, parse.GetValue(newest), ct);
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    kafka = endpoints?.Kafka.Bootstrap,
                    schemaRegistry = endpoints?.SchemaRegistry?.Url,
                    capture = status,
                    parked,
                    orders = OrdersReport.Json(orders)
                },
                    Json));
                return 0;
            }

            if (endpoints is not null)
            {
                Console.WriteLine($"kafka: {endpoints.Kafka.Bootstrap}");
                Console.WriteLine($"schema registry: {endpoints.SchemaRegistry?.Url ?? "-"}");
                Console.WriteLine(status?.ToString() ?? "capture: no status yet (it is written every 2 s)");
            }

            Console.WriteLine(ParkedReport.Format(parked));
            if (orders is not null)
            {
                Console.WriteLine(OrdersReport.Format(orders));
            }
            return 0;
        }));
        return command;
    }
}
