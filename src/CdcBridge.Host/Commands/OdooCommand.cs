using System.CommandLine;
using CdcBridge.DevStack.Odoo;
using Npgsql;

namespace CdcBridge.Host.Commands;

/// <summary><c>cdcbridge odoo seed</c>: Odoo's schema subset, the CDC publication and the seeded retailer in any empty database.</summary>
internal static class OdooCommand
{
    public static Command Create()
    {
        var connection = new Option<string>("--connection") { Description = "Npgsql connection string of the (empty) Odoo database.", Required = true };
        var products = new Option<int>("--products") { Description = "Product variants to seed.", DefaultValueFactory = _ => 1_000 };
        var warehouses = new Option<int>("--warehouses") { Description = "Warehouses to seed (1-3).", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same rows).", DefaultValueFactory = _ => 42 };
        var seedCommand = new Command("seed", "Install Odoo's schema subset and the CDC publication and seed a retailer; does nothing when the schema is already there.")
        {
            connection, products, warehouses, seed,
        };
        seedCommand.SetAction((parse, ct) => CliError.GuardAsync("odoo seed", async () =>
        {
            var options = new SeedOptions { Products = parse.GetValue(products), Warehouses = parse.GetValue(warehouses), Seed = parse.GetValue(seed) };
            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliError(e.Message, 2);
            }

            await using var db = new NpgsqlConnection(parse.GetValue(connection));
            try
            {
                await db.OpenAsync(ct);
            }
            catch (Exception e) when (e is NpgsqlException or ArgumentException)
            {
                throw new CliError($"cannot connect to the Odoo database: {e.Message}");
            }

            if (await OdooSchema.IsInstalledAsync(db, ct))
            {
                Console.WriteLine("The Odoo schema is already there; nothing seeded.");
                return 0;
            }

            var summary = await OdooDatabase.CreateAsync(db, options, ct);
            Console.WriteLine($"Seeded {summary!.Products} products, {summary.Quants} quants, {summary.Warehouses} warehouses, {summary.SaleOrders} sale orders.");
            return 0;
        }));
        return new Command("odoo", "Odoo database helpers.") { seedCommand };
    }
}
