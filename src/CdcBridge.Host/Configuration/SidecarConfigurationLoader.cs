using CdcBridge.Channels.Shopify;
using CdcBridge.Host.Commands;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CdcBridge.Host.Configuration;

/// <summary>Reads, validates and resolves a configuration file; any problem is one <see cref="CliError"/> listing them all.</summary>
internal static class SidecarConfigurationLoader
{
    public const string EnvironmentPrefix = "CDCBRIDGE_";

    public static SidecarSettings Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new CliError($"the configuration file {path} does not exist (start from config/cdcbridge.example.json).", 2);
        }

        var baseDirectory = Path.GetDirectoryName(full)!;
        var config = new SidecarConfiguration();
        try
        {
            new ConfigurationBuilder()
                .AddJsonFile(full, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .Build()
                .Bind(config, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException)
        {
            // The binder names the unknown key or the value it could not convert; keep the first line.
            throw new CliError($"{path}: {Describe(e)}", 2);
        }

        var errors = SidecarConfigurationValidator.Validate(config, baseDirectory);
        if (errors.Count > 0)
        {
            throw new CliError($"{path} has {errors.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors), 2);
        }

        return Resolve(config, baseDirectory);
    }

    private static SidecarSettings Resolve(SidecarConfiguration config, string baseDirectory)
    {
        var sidecar = WithPassword(config.Postgres.Sidecar!, config.Postgres.Password, baseDirectory);
        var capture = config.Capture is { } c ? new CaptureConnection(WithPassword(c.Odoo!, c.Password, baseDirectory), c.SlotName) : null;

        var stores = config.Stores.Select(s =>
        {
            var token = SecretReference.Resolve(s.AccessToken!, baseDirectory).Value!;
            var store = s.AdminUrl is null
                ? ShopifyStore.Production(s.ShopDomain!, s.ApiVersion, token)
                : new ShopifyStore(s.ShopDomain!, new Uri(s.AdminUrl), s.ApiVersion, token);
            var plan = s.Plan is null ? (ShopifyStorePlan?)null : Enum.Parse<ShopifyStorePlan>(s.Plan, ignoreCase: true);
            return new ConfiguredStore(store, plan, s);
        }).ToList();
        var orders = config.Orders is { } o
            ? new OrdersConnection(o, o.Webhooks.Secrets.Select(r => SecretReference.Resolve(r, baseDirectory).Value!).ToList(),
                SecretReference.Resolve(o.Odoo.Password!, baseDirectory).Value!)
            : null;
        return new SidecarSettings(config.Kafka.Bootstrap!, config.SchemaRegistry.Url!, sidecar, config.Projection, stores) { Capture = capture, Orders = orders };
    }

    private static string WithPassword(string connectionString, string? password, string baseDirectory)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (password is not null)
        {
            builder.Password = SecretReference.Resolve(password, baseDirectory).Value;
        }

        return builder.ConnectionString;
    }

    private static string Describe(Exception e)
    {
        var message = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
        return message.Split('\n', 2)[0].Trim();
    }
}

/// <summary>A valid configuration with its secrets resolved; Shopify locations are still names until the store is asked.</summary>
internal sealed record SidecarSettings(string KafkaBootstrap, string SchemaRegistryUrl, string SidecarDatabase, ProjectionSection Projection,
    IReadOnlyList<ConfiguredStore> Stores)
{
    /// <summary>Set when the sidecar captures Odoo's changes itself instead of Debezium on Kafka Connect.</summary>
    public CaptureConnection? Capture { get; init; }

    /// <summary>Set when the sidecar takes Shopify's order webhooks and writes the orders into Odoo.</summary>
    public OrdersConnection? Orders { get; init; }
}

/// <summary>The <c>orders</c> section with its secrets resolved (never printed).</summary>
internal sealed record OrdersConnection(OrdersSection Section, IReadOnlyList<string> WebhookSecrets, string OdooPassword)
{
    public override string ToString() => "OrdersConnection { secrets: *** }";
}

internal sealed record CaptureConnection(string Odoo, string SlotName);

internal sealed record ConfiguredStore(ShopifyStore Store, ShopifyStorePlan? Plan, StoreSection Section);
