using System.CommandLine;
using System.Globalization;
using CdcBridge.Avro.Registry;
using CdcBridge.Capture;
using CdcBridge.Debezium;
using CdcBridge.Host.Configuration;
using CdcBridge.Host.Sidecar;
using Microsoft.Extensions.Logging;

namespace CdcBridge.Host.Commands;

/// <summary>
/// <c>cdcbridge run --config cdcbridge.json</c>: the sidecar against production parts (Kafka with Debezium's topics, a
/// schema registry, the sidecar's PostgreSQL, the configured Shopify stores) until Ctrl+C or SIGTERM. <c>--check</c>
/// validates the file, resolves its secrets and asks each store for its locations, then exits.
/// </summary>
internal static partial class RunCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config", "-c")
        {
            Description = "The configuration file (see docs/configuration.md and config/cdcbridge.example.json).",
            DefaultValueFactory = _ => "cdcbridge.json",
        };
        var check = new Option<bool>("--check") { Description = "Validate the configuration and map the Shopify locations, then exit." };
        var command = new Command("run", "Run the availability sidecar with a configuration file: projection, Shopify dispatchers, analytics relay.")
        {
            config, check,
        };
        command.SetAction((parse, ct) => CliError.GuardAsync("run", async () =>
        {
            var settings = SidecarConfigurationLoader.Load(parse.GetValue(config)!);
            IReadOnlyList<ShopifyStoreSettings> stores;
            using (var http = new HttpClient())
            {
                stores = await ConfiguredStores.ResolveAsync(settings.Stores, http, ct);
            }

            foreach (var store in stores)
            {
                Console.WriteLine($"{store.Store.ShopDomain} (API {store.Store.ApiVersion}{(store.Plan is { } plan ? $", {plan}" : "")}): "
                    + string.Join("; ", store.Target.Locations.Select(l =>
                        $"'{l.ShopifyLocationName}' ({l.ShopifyLocationId}) ← {string.Join(", ", l.OdooWarehouses.Concat(l.OdooLocations))}"
                        + (l.SafetyStock > 0 ? string.Create(CultureInfo.InvariantCulture, $", safety {l.SafetyStock}") : ""))));
            }

            if (parse.GetValue(check))
            {
                Console.WriteLine("Configuration is valid.");
                return 0;
            }

            return await RunAsync(settings, stores, ct);
        }));
        return command;
    }

    private static async Task<int> RunAsync(SidecarSettings settings, IReadOnlyList<ShopifyStoreSettings> stores, CancellationToken ct)
    {
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .SetMinimumLevel(LogLevel.Information));
        var logger = loggerFactory.CreateLogger("cdcbridge.run");
        await using var capture = settings.Capture is { } c ? await StartCaptureAsync(settings, c, loggerFactory, ct) : null;
        var sidecar = await AvailabilitySidecar.StartAsync(settings.KafkaBootstrap, settings.SchemaRegistryUrl, settings.SidecarDatabase, settings.Projection,
            stores, loggerFactory, ct);
        await using (sidecar)
        {
            await using var orders = settings.Orders is { } o
                ? await OrdersSidecar.StartAsync(OrdersFrom(o, stores), settings.KafkaBootstrap, settings.SchemaRegistryUrl, settings.SidecarDatabase,
                    settings.Projection, sidecar.Clients, loggerFactory, ct)
                : null;
            if (orders is not null)
            {
                Console.WriteLine($"Taking Shopify order webhooks at {orders.WebhooksUrl}/shopify; writing orders into Odoo at {settings.Orders!.Section.Odoo.Url}.");
            }

            Console.WriteLine($"Running: projection {sidecar.Projector.Name} (epoch {settings.Projection.Epoch}), {stores.Count} store(s)"
                + (capture is null ? "" : $", capturing Odoo into {settings.Projection.CdcTopicPrefix}.public.*") + ". Ctrl+C stops.");
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
            var previous = sidecar.Runner.Status.Events;
            try
            {
                while (await timer.WaitForNextTickAsync(ct))
                {
                    var events = sidecar.Runner.Status.Events;
                    var line = (await StatusView.SidecarLineAsync(sidecar, (events - previous) / 30.0, ct)).Trim();
                    LogStatus(logger, capture is null ? line : $"{CaptureLine(capture)} | {line}");
                    if (orders is not null)
                    {
                        LogStatus(logger, (await StatusView.OrdersLineAsync(orders, ct)).Trim());
                    }

                    previous = events;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.WriteLine("Stopping: draining the batch in flight...");
            }
        }

        Console.WriteLine("Stopped.");
        return 0;
    }

    private static OrdersSettings OrdersFrom(OrdersConnection orders, IReadOnlyList<ShopifyStoreSettings> stores)
    {
        var section = orders.Section;
        return new OrdersSettings
        {
            WebhookSecrets = orders.WebhookSecrets,
            ListenUrl = section.Webhooks.Listen,
            WebhookPath = section.Webhooks.Path,
            MaxBodyBytes = section.Webhooks.MaxBodyBytes,
            Odoo = new Orders.Odoo.OdooConnectionOptions
            {
                Url = new Uri(section.Odoo.Url!),
                Database = section.Odoo.Database!,
                Login = section.Odoo.Login!,
                Password = orders.OdooPassword,
                RequestsPerSecond = section.Odoo.RequestsPerSecond,
                Burst = section.Odoo.Burst,
                MaxInFlight = section.Odoo.MaxInFlight,
                Api = section.Odoo.Api == "json2" ? Orders.Odoo.OdooApi.Json2 : Orders.Odoo.OdooApi.JsonRpc,
            },
            StoreWarehouses = stores.ToDictionary(s => s.Target.ShopDomain, s => s.Target.EffectiveOrderWarehouse, StringComparer.Ordinal),
            ShippingProduct = section.Odoo.ShippingProduct,
            LifecycleTopic = section.LifecycleTopic,
            MaxConcurrentOrders = section.MaxConcurrentOrders,
        };
    }

    /// <summary>
    /// The embedded capture for shops without Kafka Connect: the same topics, keys and envelopes as Debezium, resuming
    /// from its slot (a first start snapshots). The publication must exist (connect/README: created with the slot's user).
    /// </summary>
    private static async Task<CaptureSupervisor> StartCaptureAsync(SidecarSettings settings, CaptureConnection connection, ILoggerFactory loggerFactory,
        CancellationToken ct)
    {
        var registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = settings.SchemaRegistryUrl });
        // Supervised: a capture stopped by Kafka or PostgreSQL starts again from its slot instead of ending silently.
        var capture = await CaptureSupervisor.StartAsync(new CaptureOptions
        {
            ConnectionString = connection.Odoo,
            KafkaBootstrap = settings.KafkaBootstrap,
            Registry = registry,
            Settings = CaptureSettings.Odoo with { TopicPrefix = settings.Projection.CdcTopicPrefix, SlotName = connection.SlotName },
            FreshSnapshot = false,
        }, loggerFactory.CreateLogger("cdcbridge.capture"), ct: ct);
        await (await Task.WhenAny(capture.Current.SnapshotCompleted, capture.Current.Completion)).WaitAsync(ct);
        return capture;
    }

    private static string CaptureLine(CaptureSupervisor capture) =>
        $"capture: {capture.EventsCaptured} events, slot confirmed {capture.Current.ConfirmedLsn}{capture.Remark}";

    [LoggerMessage(1, LogLevel.Information, "{Status}")]
    private static partial void LogStatus(ILogger logger, string status);
}
