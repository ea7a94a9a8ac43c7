using System.CommandLine;
using System.Globalization;
using CdcBridge.Orders.Ledger;
using Npgsql;

namespace CdcBridge.Host.Commands;

/// <summary>
/// <c>cdcbridge orders replay ID|NAME... | --all</c>: puts parked channel orders back in the Odoo writer's queue once
/// the cause is fixed (the SKU created in Odoo, a user's rights). The writer is idempotent, so a replay never doubles an order.
/// </summary>
internal static class OrdersCommand
{
    public static Command Create()
    {
        var command = new Command("orders", "Channel orders on their way into Odoo (see 'cdcbridge status' for the parked ones).");
        command.Subcommands.Add(CreateReplay());
        return command;
    }

    private static Command CreateReplay()
    {
        var stateDir = StateDirectory.CreateOption();
        var config = SidecarDatabase.CreateConfigOption();
        var orders = new Argument<string[]>("order") { Description = "Shopify order ids or names (#1001) as 'cdcbridge status' lists them.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Replay every parked order." };
        var command = new Command("replay", "Queue parked orders again for the Odoo writer.") { orders, all, stateDir, config };
        command.SetAction((parse, ct) => CliError.GuardAsync("orders replay", async () =>
        {
            var chosen = parse.GetValue(orders) ?? [];
            var everything = parse.GetValue(all);
            if (chosen.Length == 0 == !everything)
            {
                throw new CliError("name the parked orders to replay (id or name), or pass --all (not both).", 2);
            }

            await using var connection = new NpgsqlConnection(await SidecarDatabase.ConnectionStringAsync(parse.GetValue(config), parse.GetValue(stateDir)!, ct));
            await connection.OpenAsync(ct);
            if (await OrdersStatus.ReadAsync(connection, 0, ct) is null)
            {
                throw new CliError("this sidecar database has no channel orders (the sidecar runs without 'orders').");
            }

            var queued = await ChannelOrderLedger.ReplayAsync(connection, everything ? null : chosen, TimeProvider.System.GetUtcNow().UtcDateTime, ct);
            if (!everything && queued == 0)
            {
                throw new CliError($"no parked order {string.Join(", ", chosen)} is waiting (already replayed, or unknown).");
            }

            Console.WriteLine(queued.ToString(CultureInfo.InvariantCulture) + " parked order(s) queued again; 'cdcbridge status' shows whether they land.");
            return 0;
        }));
        return command;
    }
}
