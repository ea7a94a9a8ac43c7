using CdcBridge.Orders.Odoo;

namespace CdcBridge.Host.Sidecar;

/// <summary>What the Orders room needs to run, from the configuration file or from the dev stack.</summary>
internal sealed record OrdersSettings
{
    public required IReadOnlyList<string> WebhookSecrets { get; init; }

    /// <summary><c>http://HOST:PORT</c>; port 0 picks a free one (dev stack, tests).</summary>
    public required string ListenUrl { get; init; }

    public string WebhookPath { get; init; } = "/webhooks";

    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    public required OdooConnectionOptions Odoo { get; init; }

    /// <summary>Per store, the Odoo warehouse code its orders ship from; null: Odoo's default warehouse.</summary>
    public required IReadOnlyDictionary<string, string?> StoreWarehouses { get; init; }

    public string? ShippingProduct { get; init; }

    public string LifecycleTopic { get; init; } = "retail.order.lifecycle.v1";

    public int MaxConcurrentOrders { get; init; } = 4;
}
