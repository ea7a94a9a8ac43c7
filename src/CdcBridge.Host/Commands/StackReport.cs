using CdcBridge.DevStack;
using CdcBridge.DevStack.Postgres;

namespace CdcBridge.Host.Commands;

/// <summary>Tells the user what runs where once the stack is up. Never prints a password.</summary>
internal static class StackReport
{
    public static void Print(EmbeddedStack stack, string stateDirectory)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, stateDirectory);
        var pg = stack.Postgres;
        Console.WriteLine();
        Console.WriteLine("CdcBridge embedded stack is up.");
        Console.WriteLine($"  Kafka (embedded, {stack.Kafka.BrokerCount} brokers)  {stack.Kafka.BootstrapServers}");
        Console.WriteLine($"  PostgreSQL                    {EmbeddedPostgres.Host}:{pg.Port}  databases: {EmbeddedStack.OdooDatabase}, {EmbeddedStack.SidecarDatabase}  user: {EmbeddedPostgres.SuperUser}");
        if (stack.Registry is { } registry)
        {
            Console.WriteLine($"  Schema Registry               {registry.Url}  (CdcBridge's topic schemas registered)");
        }

        if (stack.Capture is { } capture)
        {
            Console.WriteLine($"  Change capture                slot {Debezium.CaptureSettings.Odoo.SlotName}, snapshot of {capture.EventsCaptured} rows in {Debezium.CaptureSettings.Odoo.TopicPrefix}.public.<table>");
        }

        if (stack.Seeded is { } s)
        {
            Console.WriteLine($"  Odoo retailer (seeded)        {s.Products} products, {s.Quants} quants, {s.Warehouses} warehouses, {s.SaleOrders} sale orders");
        }

        if (stack.Endpoints.Shopify is { } shopify)
        {
            Console.WriteLine($"  Shopify simulator             {shopify.Url}  ({shopify.ShopDomain}, Admin API {shopify.ApiVersion}; GET /_sim/inventory)");
        }

        if (stack.Endpoints.Odoo is { } odoo)
        {
            Console.WriteLine($"  Odoo simulator (JSON-RPC)     {odoo.Url}/jsonrpc  (db {odoo.Db}, dev login in endpoints.json)");
        }

        Console.WriteLine($"  Endpoints for tools           {Path.Combine(relative, StackEndpoints.FileName)}");
        Console.WriteLine();
        Console.WriteLine("Try:");
        Console.WriteLine($"  kcat -b $(jq -r .kafka.bootstrap {Path.Combine(relative, StackEndpoints.FileName)}) -L");
        Console.WriteLine($"  PGPASSWORD=$(cat {Path.Combine(relative, "postgres", "superuser-password")}) psql -h {EmbeddedPostgres.Host} -p {pg.Port} -U {EmbeddedPostgres.SuperUser} {EmbeddedStack.OdooDatabase}");
        Console.WriteLine();
    }
}
