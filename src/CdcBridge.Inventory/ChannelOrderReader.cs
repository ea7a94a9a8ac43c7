using CdcBridge.Avro.Generic;

namespace CdcBridge.Inventory;

/// <summary>Reads what availability needs from a retail.channel.order.v1 value.</summary>
public static class ChannelOrderReader
{
    public static ChannelOrder Read(object? value)
    {
        if (value is not GenericRecord record || record.Schema.FullName != "retail.channel.ChannelOrder")
        {
            throw new InvalidDataException($"Not a retail.channel.ChannelOrder value ({(value as GenericRecord)?.Schema.FullName ?? value?.GetType().Name ?? "null"}).");
        }

        var topic = record["topic"]?.ToString();
        var lines = ((IEnumerable<object?>)record["line_items"]!).Cast<GenericRecord>()
            .Select(l => new ChannelOrderLine(Sku(l), (l["current_quantity"] as int?) ?? (int)l["quantity"]!))
            .ToList();
        return new ChannelOrder(
            (string)record["shop_domain"]!,
            (long)record["order_id"]!,
            (string)record["name"]!,
            (DateTime)record["updated_at"]!,
            topic == "ORDERS_CANCELLED" || record["cancelled_at"] is not null,
            lines);
    }

    // The SKU as sent, else the one the intake looked up by variant (resolved_sku, absent from version 1 records).
    private static string? Sku(GenericRecord line) =>
        line["sku"] is string { Length: > 0 } sent ? sent
        : line.TryGet("resolved_sku", out var resolved) && resolved is string { Length: > 0 } looked ? looked
        : null;
}
