using System.CommandLine;
using CdcBridge.Host.Commands;

var root = new RootCommand("CdcBridge: Odoo change data capture to Kafka, availability and orders for Shopify and CRMs.")
{
    RunCommand.Create(),
    DevCommand.Create(),
    TopicsCommand.Create(),
    SchemasCommand.Create(),
    OdooCommand.Create(),
    StatusCommand.Create(),
    ReplayCommand.Create(),
    OrdersCommand.Create(),
};

// Ctrl+C and SIGTERM cancel the running command; it then has this long to stop its parts cleanly.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) };
return await root.Parse(args).InvokeAsync(invocation);
