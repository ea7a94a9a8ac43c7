namespace CdcBridge.Host.Configuration;

/// <summary>
/// The sidecar's configuration file (<c>cdcbridge run --config cdcbridge.json</c>), bound from JSON and from
/// <c>CDCBRIDGE_</c> environment variables (<c>CDCBRIDGE_Kafka__Bootstrap=...</c>). Secrets are never written here:
/// <c>accessToken</c> and <c>postgres.password</c> name an environment variable (<c>env:NAME</c>) or a file
/// (<c>file:PATH</c>). docs/configuration.md documents every key; <see cref="SidecarConfigurationValidator"/> checks them.
/// </summary>
internal sealed class SidecarConfiguration
{
    public KafkaSection Kafka { get; set; } = new();

    public SchemaRegistrySection SchemaRegistry { get; set; } = new();

    public PostgresSection Postgres { get; set; } = new();

    public ProjectionSection Projection { get; set; } = new();

    /// <summary>Absent: Debezium on Kafka Connect produces the CDC topics. Present: the sidecar captures Odoo's changes itself.</summary>
    public CaptureSection? Capture { get; set; }

    public List<StoreSection> Stores { get; set; } = [];

    /// <summary>Absent: no order intake. Present: the Shopify webhook receiver and the Odoo order writer run.</summary>
    public OrdersSection? Orders { get; set; }
}

internal sealed class KafkaSection
{
    public string? Bootstrap { get; set; }
}

internal sealed class SchemaRegistrySection
{
    public string? Url { get; set; }
}

internal sealed class PostgresSection
{
    /// <summary>Npgsql connection string of the sidecar's own database, without the password.</summary>
    public string? Sidecar { get; set; }

    /// <summary>Secret reference for the password (<c>env:NAME</c> or <c>file:PATH</c>); absent: PGPASSWORD or a passfile.</summary>
    public string? Password { get; set; }
}

internal sealed class CaptureSection
{
    /// <summary>Npgsql connection string of Odoo's database, for a user allowed to replicate, without the password.</summary>
    public string? Odoo { get; set; }

    /// <summary>Secret reference of that user's password (<c>env:NAME</c> or <c>file:PATH</c>).</summary>
    public string? Password { get; set; }

    /// <summary>The replication slot; topics are named after <c>projection.cdcTopicPrefix</c>.</summary>
    public string SlotName { get; set; } = "cdcbridge_odoo";
}

internal sealed class ProjectionSection
{
    /// <summary>Change it to rebuild every projection from the start of its topics.</summary>
    public string Epoch { get; set; } = "1";

    /// <summary>Debezium's <c>topic.prefix</c> (connect/odoo-connector.json).</summary>
    public string CdcTopicPrefix { get; set; } = "odoo";

    public string IntakeTopic { get; set; } = "retail.channel.order.v1";

    public string AnalyticsTopic { get; set; } = "retail.inventory.availability.v1";

    /// <summary>Consumer groups are <c>{groupPrefix}.{projection}</c>.</summary>
    public string GroupPrefix { get; set; } = "cdcbridge";
}

internal sealed class StoreSection
{
    /// <summary><c>{shop}.myshopify.com</c>.</summary>
    public string? ShopDomain { get; set; }

    /// <summary>Only to point at a simulator or proxy; default <c>https://{shopDomain}</c>.</summary>
    public string? AdminUrl { get; set; }

    public string ApiVersion { get; set; } = "2026-04";

    /// <summary>Secret reference of the Admin API access token: <c>env:NAME</c> or <c>file:PATH</c>.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Standard, Advanced, Plus or Enterprise: seeds the cost bucket until Shopify reports it.</summary>
    public string? Plan { get; set; }

    /// <summary>Units held back per SKU at every location of the store, unless the location says otherwise.</summary>
    public decimal SafetyStock { get; set; }

    /// <summary>The Odoo warehouse code this store's orders are written to (the next issue's writer).</summary>
    public string? OrderWarehouse { get; set; }

    public AssortmentSection Assortment { get; set; } = new();

    public List<LocationSection> Locations { get; set; } = [];

    /// <summary>How long SKU → inventory item lookups are trusted.</summary>
    public TimeSpan SkuCacheTtl { get; set; } = TimeSpan.FromMinutes(15);
}

internal sealed class AssortmentSection
{
    /// <summary>SKU patterns with <c>*</c>; empty: every SKU.</summary>
    public List<string> Include { get; set; } = [];

    public List<string> Exclude { get; set; } = [];
}

internal sealed class LocationSection
{
    /// <summary>The Shopify location: its name as in the admin, its numeric id or its <c>gid://shopify/Location/…</c>.</summary>
    public string? Shopify { get; set; }

    /// <summary>Odoo warehouse codes (<c>stock_warehouse.code</c>) whose stock location subtree this location sells.</summary>
    public List<string> Warehouses { get; set; } = [];

    /// <summary>Odoo locations by complete name (<c>WH/Stock/Shelf 1</c>), with their children.</summary>
    public List<string> OdooLocations { get; set; } = [];

    /// <summary>Overrides the store's safety stock here.</summary>
    public decimal? SafetyStock { get; set; }

    public Dictionary<string, decimal> SafetyStockBySku { get; set; } = [];
}

internal sealed class OrdersSection
{
    public WebhooksSection Webhooks { get; set; } = new();

    public OdooSection Odoo { get; set; } = new();

    /// <summary>Where order stages are published (avro/retail.order.lifecycle.v1.avsc).</summary>
    public string LifecycleTopic { get; set; } = "retail.order.lifecycle.v1";

    /// <summary>Orders written into Odoo at the same time.</summary>
    public int MaxConcurrentOrders { get; set; } = 4;
}

internal sealed class WebhooksSection
{
    /// <summary>The address the receiver listens on, e.g. <c>http://0.0.0.0:8088</c> (behind the TLS proxy Shopify calls).</summary>
    public string Listen { get; set; } = "http://0.0.0.0:8088";

    /// <summary>The path prefix: Shopify's order webhooks are configured to <c>{public URL}{path}/shopify</c>.</summary>
    public string Path { get; set; } = "/webhooks";

    /// <summary>Secret references of the app's client secrets (<c>env:NAME</c> or <c>file:PATH</c>); during a rotation list the new and the old one.</summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>Larger bodies are refused with 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}

internal sealed class OdooSection
{
    /// <summary>Odoo's base URL; the writer calls <c>{url}/jsonrpc</c>.</summary>
    public string? Url { get; set; }

    public string? Database { get; set; }

    public string? Login { get; set; }

    /// <summary>Secret reference of the user's password or API key (<c>env:NAME</c> or <c>file:PATH</c>).</summary>
    public string? Password { get; set; }

    /// <summary>Odoo has no rate limit of its own: the writer never sends more than this many requests per second.</summary>
    public double RequestsPerSecond { get; set; } = 20;

    /// <summary>Requests that may go at once after a quiet spell (the token bucket's size).</summary>
    public int Burst { get; set; } = 5;

    /// <summary>Requests in flight at most.</summary>
    public int MaxInFlight { get; set; } = 4;

    /// <summary>The <c>default_code</c> of the service product shipping lines are written with.</summary>
    public string? ShippingProduct { get; set; }

    /// <summary><c>jsonrpc</c> (Odoo 17–19's <c>/jsonrpc</c>) or <c>json2</c> (Odoo 19's <c>/json/2</c> with an API key as bearer token).</summary>
    public string Api { get; set; } = "jsonrpc";
}
