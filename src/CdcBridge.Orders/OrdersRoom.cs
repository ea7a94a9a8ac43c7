namespace CdcBridge.Orders;

/// <summary>
/// The Orders room: the Shopify webhook receiver that puts channel orders on the intake topic (Intake), and the
/// throttled, idempotent writer that takes them into Odoo through its JSON-RPC API (Odoo, Writer).
/// </summary>
public static class OrdersRoom
{
    /// <summary>The intake topic's default name (avro/retail.channel.order.v1.avsc).</summary>
    public const string IntakeTopic = "retail.channel.order.v1";

    /// <summary>The order lifecycle topic's default name (avro/retail.order.lifecycle.v1.avsc).</summary>
    public const string LifecycleTopic = "retail.order.lifecycle.v1";
}
