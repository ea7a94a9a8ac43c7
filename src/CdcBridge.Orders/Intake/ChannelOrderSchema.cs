using System.Reflection;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Orders.Intake;

/// <summary>
/// The intake topic's value schema, avro/retail.channel.order.v1.avsc (embedded in the build), and the webhook topics
/// it carries.
/// </summary>
public static class ChannelOrderSchema
{
    public const string OrdersCreate = "orders/create";
    public const string OrdersUpdated = "orders/updated";
    public const string OrdersCancelled = "orders/cancelled";

    public static AvroSchema Value { get; } = Load("retail.channel.order.v1.avsc");

    /// <summary>The schema's ChannelOrderTopic symbol for a webhook topic, or null for a topic the intake does not carry.</summary>
    public static string? TopicSymbol(string webhookTopic) => webhookTopic switch
    {
        OrdersCreate => "ORDERS_CREATE",
        OrdersUpdated => "ORDERS_UPDATED",
        OrdersCancelled => "ORDERS_CANCELLED",
        _ => null,
    };

    private static AvroSchema Load(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"CdcBridge.Orders.{file}")
            ?? throw new InvalidOperationException($"Schema {file} is missing from the build.");
        using var reader = new StreamReader(stream);
        return AvroSchema.Parse(reader.ReadToEnd());
    }
}
