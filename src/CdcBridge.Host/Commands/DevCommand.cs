using System.CommandLine;
using CdcBridge.DevStack;
using CdcBridge.DevStack.Odoo;
using Microsoft.Extensions.Logging;

namespace CdcBridge.Host.Commands;

/// <summary><c>cdcbridge dev</c>: the embedded stack in the foreground until Ctrl+C or SIGTERM; <c>dev stop</c> ends one.</summary>
internal static class DevCommand
{
    public static Command Create()
    {
        var stateDir = StateDirectory.CreateOption();
        var products = new Option<int>("--products") { Description = "Product variants to seed into a new odoo database.", DefaultValueFactory = _ => 1_000 };
        var warehouses = new Option<int>("--warehouses") { Description = "Warehouses to seed (1-3).", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Random seed of the generated retailer (same seed, same rows).", DefaultValueFactory = _ => 42 };
        var reset = new Option<bool>("--reset") { Description = "Drop the odoo and cdcbridge databases and seed anew." };
        var quiet = new Option<bool>("--quiet") { Description = "No live status view and no demo workload (used by make up)." };
        var demo = new Option<double>("--demo-rate")
        {
            Description = "Demo workload steps per second with the live view (receipts, reservations, deliveries, Shopify orders); 0 turns it off.",
            DefaultValueFactory = _ => 4,
        };

        var command = new Command("dev", "Run the embedded stack (PostgreSQL with Odoo's schema and a seeded retailer, an embedded Kafka broker) until stopped.")
        {
            stateDir, products, warehouses, seed, reset, quiet, demo, CreateStop(stateDir),
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new StackOptions
            {
                StateDirectory = parse.GetValue(stateDir)!,
                Reset = parse.GetValue(reset),
                Seed = new SeedOptions { Products = parse.GetValue(products), Warehouses = parse.GetValue(warehouses), Seed = parse.GetValue(seed) },
            };
            try
            {
                options.Seed.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                await Console.Error.WriteLineAsync($"cdcbridge dev: {e.Message}");
                return 2;
            }

            if (parse.GetValue(demo) < 0)
            {
                await Console.Error.WriteLineAsync("cdcbridge dev: --demo-rate must not be negative.");
                return 2;
            }

            var live = !parse.GetValue(quiet) && !Console.IsOutputRedirected;
            return await DevSession.RunAsync(options, live, live ? parse.GetValue(demo) : 0, ct);
        });
        return command;
    }

    private static Command CreateStop(Option<string> stateDir)
    {
        var command = new Command("stop", "Stop an embedded stack started in the background (make down), and any PostgreSQL a crashed run left behind.");
        command.SetAction(async (parse, ct) => await DevStopper.StopAsync(parse.GetValue(stateDir)!, ct));
        return command;
    }
}
