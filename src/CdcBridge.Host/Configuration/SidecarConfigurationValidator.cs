using System.Globalization;
using System.Text.RegularExpressions;
using CdcBridge.Channels.Shopify;
using Npgsql;

namespace CdcBridge.Host.Configuration;

/// <summary>Every mistake in a configuration at once, each as "path: what is wrong", so one edit fixes them all.</summary>
internal static partial class SidecarConfigurationValidator
{
    public static IReadOnlyList<string> Validate(SidecarConfiguration config, string baseDirectory)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(config.Kafka.Bootstrap))
        {
            errors.Add("kafka.bootstrap: required (host:port[,host:port])");
        }

        if (!IsHttpUrl(config.SchemaRegistry.Url))
        {
            errors.Add($"schemaRegistry.url: an absolute http(s) URL is required, not '{config.SchemaRegistry.Url}'");
        }

        ValidateConnection(config.Postgres.Sidecar, config.Postgres.Password, "postgres.sidecar", "postgres.password", baseDirectory, errors);
        if (config.Capture is { } capture)
        {
            ValidateConnection(capture.Odoo, capture.Password, "capture.odoo", "capture.password", baseDirectory, errors);
            if (string.IsNullOrWhiteSpace(capture.SlotName) || !SlotNamePattern().IsMatch(capture.SlotName))
            {
                errors.Add($"capture.slotName: lower-case letters, digits and underscores (PostgreSQL's rule for slot names), not '{capture.SlotName}'");
            }
        }

        foreach (var (name, value) in new[] { ("projection.epoch", config.Projection.Epoch), ("projection.cdcTopicPrefix", config.Projection.CdcTopicPrefix),
            ("projection.intakeTopic", config.Projection.IntakeTopic), ("projection.analyticsTopic", config.Projection.AnalyticsTopic),
            ("projection.groupPrefix", config.Projection.GroupPrefix) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{name}: must not be empty");
            }
        }

        if (config.Stores.Count == 0)
        {
            errors.Add("stores: at least one store is required");
        }

        for (var i = 0; i < config.Stores.Count; i++)
        {
            ValidateStore(config.Stores[i], $"stores[{i}]", baseDirectory, errors);
        }

        foreach (var duplicate in config.Stores.Where(s => s.ShopDomain is not null).GroupBy(s => s.ShopDomain, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"stores: {duplicate.Key} is configured {duplicate.Count()} times");
        }

        if (config.Orders is { } orders)
        {
            ValidateOrders(orders, baseDirectory, errors);
        }

        return errors;
    }

    private static void ValidateOrders(OrdersSection orders, string baseDirectory, List<string> errors)
    {
        if (!IsHttpUrl(orders.Webhooks.Listen))
        {
            errors.Add($"orders.webhooks.listen: an http URL with host and port is required (e.g. http://0.0.0.0:8088), not '{orders.Webhooks.Listen}'");
        }

        if (string.IsNullOrWhiteSpace(orders.Webhooks.Path) || !orders.Webhooks.Path.StartsWith('/'))
        {
            errors.Add($"orders.webhooks.path: a path starting with '/' is required, not '{orders.Webhooks.Path}'");
        }

        if (orders.Webhooks.Secrets.Count == 0)
        {
            errors.Add("orders.webhooks.secrets: at least one secret reference (env:NAME or file:PATH) of the Shopify app's client secret is required");
        }

        for (var i = 0; i < orders.Webhooks.Secrets.Count; i++)
        {
            if (SecretReference.Resolve(orders.Webhooks.Secrets[i], baseDirectory).Error is { } error)
            {
                errors.Add($"orders.webhooks.secrets[{i}]: {error}");
            }
        }

        if (orders.Webhooks.MaxBodyBytes < 64 * 1024)
        {
            errors.Add("orders.webhooks.maxBodyBytes: at least 65536 (Shopify order bodies are often tens of kilobytes)");
        }

        if (string.IsNullOrWhiteSpace(orders.LifecycleTopic))
        {
            errors.Add("orders.lifecycleTopic: must not be empty");
        }

        if (orders.MaxConcurrentOrders is < 1 or > 64)
        {
            errors.Add("orders.maxConcurrentOrders: between 1 and 64");
        }

        var odoo = orders.Odoo;
        if (!IsHttpUrl(odoo.Url))
        {
            errors.Add($"orders.odoo.url: an absolute http(s) URL is required, not '{odoo.Url}'");
        }

        if (string.IsNullOrWhiteSpace(odoo.Database))
        {
            errors.Add("orders.odoo.database: required (the Odoo database name)");
        }

        if (string.IsNullOrWhiteSpace(odoo.Login))
        {
            errors.Add("orders.odoo.login: required (the Odoo user the writer logs in as)");
        }

        if (string.IsNullOrWhiteSpace(odoo.Password))
        {
            errors.Add("orders.odoo.password: required, as env:NAME or file:PATH");
        }
        else if (SecretReference.Resolve(odoo.Password, baseDirectory).Error is { } error)
        {
            errors.Add($"orders.odoo.password: {error}");
        }

        if (odoo.RequestsPerSecond is <= 0 or > 1000)
        {
            errors.Add("orders.odoo.requestsPerSecond: more than 0 and at most 1000");
        }

        if (odoo.Burst < 1)
        {
            errors.Add("orders.odoo.burst: at least 1");
        }

        if (odoo.Api is not ("jsonrpc" or "json2"))
        {
            errors.Add($"orders.odoo.api: jsonrpc or json2, not '{odoo.Api}'");
        }

        if (odoo.MaxInFlight is < 1 or > 64)
        {
            errors.Add("orders.odoo.maxInFlight: between 1 and 64");
        }
    }

    private static void ValidateConnection(string? connectionString, string? password, string name, string passwordName, string baseDirectory, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            errors.Add($"{name}: required (an Npgsql connection string, e.g. Host=db;Database=cdcbridge;Username=cdcbridge)");
            return;
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password))
            {
                errors.Add($"{name}: holds a password; remove it and set {passwordName} to env:NAME or file:PATH (or use PGPASSWORD / a passfile)");
            }
        }
        catch (ArgumentException e)
        {
            errors.Add($"{name}: not a valid connection string ({e.Message})");
        }

        if (password is not null && SecretReference.Resolve(password, baseDirectory).Error is { } error)
        {
            errors.Add($"{passwordName}: {error}");
        }
    }

    private static void ValidateStore(StoreSection store, string path, string baseDirectory, List<string> errors)
    {
        if (store.ShopDomain is null || !ShopDomainPattern().IsMatch(store.ShopDomain))
        {
            errors.Add($"{path}.shopDomain: must be the store's {{shop}}.myshopify.com domain, not '{store.ShopDomain}'");
        }

        if (store.AdminUrl is not null && !IsHttpUrl(store.AdminUrl))
        {
            errors.Add($"{path}.adminUrl: an absolute http(s) URL is required, not '{store.AdminUrl}'");
        }

        try
        {
            _ = new ShopifyStore("check.myshopify.com", new Uri("https://check.myshopify.com"), store.ApiVersion, "check");
        }
        catch (ArgumentException e)
        {
            errors.Add($"{path}.apiVersion: {e.Message.Split(" (Parameter", 2)[0]}");
        }

        if (string.IsNullOrWhiteSpace(store.AccessToken))
        {
            errors.Add($"{path}.accessToken: required, as env:NAME or file:PATH");
        }
        else if (SecretReference.Resolve(store.AccessToken, baseDirectory).Error is { } error)
        {
            errors.Add($"{path}.accessToken: {error}");
        }

        if (store.Plan is not null && !Enum.TryParse<ShopifyStorePlan>(store.Plan, ignoreCase: true, out _))
        {
            errors.Add($"{path}.plan: one of {string.Join(", ", Enum.GetNames<ShopifyStorePlan>())}, not '{store.Plan}'");
        }

        if (store.SafetyStock < 0)
        {
            errors.Add($"{path}.safetyStock: must not be negative");
        }

        if (store.SkuCacheTtl <= TimeSpan.Zero)
        {
            errors.Add($"{path}.skuCacheTtl: must be positive (e.g. 00:15:00)");
        }

        foreach (var (list, name) in new[] { (store.Assortment.Include, "include"), (store.Assortment.Exclude, "exclude") })
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(list[i]))
                {
                    errors.Add($"{path}.assortment.{name}[{i}]: an empty pattern matches nothing; remove it");
                }
            }
        }

        if (store.Locations.Count == 0)
        {
            errors.Add($"{path}.locations: at least one Shopify location and the Odoo stock it sells is required");
        }

        for (var i = 0; i < store.Locations.Count; i++)
        {
            var location = store.Locations[i];
            var at = $"{path}.locations[{i}]";
            if (string.IsNullOrWhiteSpace(location.Shopify))
            {
                errors.Add($"{at}.shopify: required (the location's name in the Shopify admin, its id or gid://shopify/Location/ID)");
            }

            if (location.Warehouses.Count == 0 && location.OdooLocations.Count == 0)
            {
                errors.Add($"{at}: name the Odoo stock it sells in warehouses (codes) and/or odooLocations (complete names)");
            }

            if (location.Warehouses.Concat(location.OdooLocations).Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{at}: warehouse codes and location names must not be empty");
            }

            if (location.SafetyStock < 0 || location.SafetyStockBySku.Values.Any(v => v < 0))
            {
                errors.Add($"{at}: safety stock must not be negative");
            }
        }

        if (store.OrderWarehouse is not null && !store.Locations.Any(l => l.Warehouses.Contains(store.OrderWarehouse, StringComparer.Ordinal)))
        {
            errors.Add($"{path}.orderWarehouse: '{store.OrderWarehouse}' is not a warehouse of any of the store's locations");
        }

        foreach (var duplicate in store.Locations.Where(l => l.Shopify is not null).GroupBy(l => l.Shopify, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"{path}.locations: the Shopify location '{duplicate.Key}' is mapped {duplicate.Count().ToString(CultureInfo.InvariantCulture)} times; list all its Odoo stock in one entry");
        }
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex SlotNamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*\\.myshopify\\.com$")]
    private static partial Regex ShopDomainPattern();
}
