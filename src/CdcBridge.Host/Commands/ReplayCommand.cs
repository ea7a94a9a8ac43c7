using System.CommandLine;
using System.Globalization;
using CdcBridge.Inventory;
using Npgsql;

namespace CdcBridge.Host.Commands;

/// <summary>
/// <c>cdcbridge replay shopify [ID...] [--all]</c>: queues parked Shopify pushes again, after the cause is fixed (a SKU
/// stocked at the location, a token's scope). Each goes with the value the projection holds now. Parked projection
/// records are replayed by a rebuild (a new <c>projection.epoch</c>), which re-reads them in order.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var command = new Command("replay", "Replay what was parked, once its cause is fixed (see 'cdcbridge status' for the list).");
        command.Subcommands.Add(CreateShopify());
        return command;
    }

    private static Command CreateShopify()
    {
        var stateDir = StateDirectory.CreateOption();
        var config = SidecarDatabase.CreateConfigOption();
        var ids = new Argument<long[]>("id") { Description = "Parked push ids as 'cdcbridge status' lists them.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Replay every parked Shopify push." };
        var command = new Command("shopify", "Queue parked Shopify pushes again, with the current value of each SKU and location.")
        {
            ids, all, stateDir, config,
        };
        command.SetAction((parse, ct) => CliError.GuardAsync("replay shopify", async () =>
        {
            var chosen = parse.GetValue(ids) ?? [];
            var everything = parse.GetValue(all);
            if (chosen.Length == 0 == !everything)
            {
                throw new CliError("name the parked pushes to replay by id, or pass --all (not both).", 2);
            }

            await using var connection = new NpgsqlConnection(await SidecarDatabase.ConnectionStringAsync(parse.GetValue(config), parse.GetValue(stateDir)!, ct));
            await connection.OpenAsync(ct);
            var queued = await ParkedRecords.ReplayShopifyAsync(connection, everything ? null : chosen, ct);
            if (!everything && queued == 0)
            {
                throw new CliError($"no parked Shopify push with id {string.Join(", ", chosen)} is waiting (already replayed, or unknown).");
            }

            Console.WriteLine(queued.ToString(CultureInfo.InvariantCulture) + " parked push(es) queued again; 'cdcbridge status' shows whether they land.");
            return 0;
        }));
        return command;
    }
}
