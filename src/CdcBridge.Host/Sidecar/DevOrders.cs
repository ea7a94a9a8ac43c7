using CdcBridge.DevStack;
using CdcBridge.Orders.Odoo;

namespace CdcBridge.Host.Sidecar;

/// <summary>
/// The Orders room in the embedded stack: webhooks on a free loopback port, signed with the Shopify simulator's
/// development secret, written into the Odoo simulator with its development credentials.
/// </summary>
internal static class DevOrders
{
    public static OrdersSettings Settings(EmbeddedStack stack, IReadOnlyList<ShopifyStoreSettings> stores)
    {
        var shopify = stack.Endpoints.Shopify ?? throw new InvalidOperationException("The stack runs no Shopify simulator.");
        var odoo = stack.Endpoints.Odoo ?? throw new InvalidOperationException("The stack runs no Odoo simulator.");
        return new OrdersSettings
        {
            WebhookSecrets = [shopify.WebhookSecret ?? throw new InvalidOperationException("The Shopify simulator has no webhook secret.")],
            ListenUrl = "http://127.0.0.1:0",
            Odoo = new OdooConnectionOptions { Url = new Uri(odoo.Url), Database = odoo.Db, Login = odoo.Login, Password = odoo.Password },
            StoreWarehouses = stores.ToDictionary(s => s.Target.ShopDomain, s => s.Target.EffectiveOrderWarehouse, StringComparer.Ordinal),
        };
    }
}
