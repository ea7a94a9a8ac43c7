using System.Text.Json.Nodes;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Schemas;

namespace CdcBridge.Inventory.Tests;

/// <summary>What availability reads from an intake record's lines: the SKU sent, else the one the intake looked up.</summary>
public sealed class ChannelOrderReaderTests
{
    private static readonly DateTime At = new(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_line_sent_without_sku_counts_under_the_sku_the_intake_resolved_from_its_variant()
    {
        var record = Order(("SKU-SENT", null), (null, "SKU-RESOLVED"), ("", "SKU-RESOLVED-2"), (null, null));

        var order = ChannelOrderReader.Read(RoundTrip(record, File.ReadAllText(PropertyIntake.SchemaPath())));

        order.Lines.Select(l => l.Sku).Should().Equal("SKU-SENT", "SKU-RESOLVED", "SKU-RESOLVED-2", null);
    }

    [Fact]
    public void A_sent_sku_wins_over_a_resolved_one()
    {
        var order = ChannelOrderReader.Read(RoundTrip(Order(("SKU-SENT", "OTHER")), File.ReadAllText(PropertyIntake.SchemaPath())));

        order.Lines.Should().ContainSingle().Which.Sku.Should().Be("SKU-SENT");
    }

    [Fact]
    public void A_record_written_with_version_1_of_the_schema_without_resolved_sku_is_still_read()
    {
        var version1 = JsonNode.Parse(File.ReadAllText(PropertyIntake.SchemaPath()))!.AsObject();
        var lineFields = version1["fields"]!.AsArray().Single(f => (string)f!["name"]! == "line_items")!["type"]!["items"]!["fields"]!.AsArray();
        lineFields.Remove(lineFields.Single(f => (string)f!["name"]! == "resolved_sku"));
        var record = Order(("SKU-1", null), (null, null));
        foreach (var line in (List<object?>)record["line_items"]!)
        {
            ((Dictionary<string, object?>)line!).Remove("resolved_sku");
        }

        var order = ChannelOrderReader.Read(RoundTrip(record, version1.ToJsonString()));

        order.Lines.Select(l => l.Sku).Should().Equal("SKU-1", null);
    }

    private static Dictionary<string, object?> Order(params (string? Sent, string? Resolved)[] lines)
    {
        var record = PropertyIntake.Record(new PropertyOrderVersion("shop.myshopify.com", 7, "#1007", "ORDERS_CREATE", At, At, false,
            [.. lines.Select(_ => ("placeholder", 2, 2))], 0));
        foreach (var (line, (sent, resolved)) in ((List<object?>)record["line_items"]!).Cast<Dictionary<string, object?>>().Zip(lines))
        {
            line["sku"] = sent;
            line["resolved_sku"] = resolved;
        }

        return record;
    }

    // Written and read back with the given writer schema, as the projection receives it from the topic.
    private static object? RoundTrip(Dictionary<string, object?> record, string schemaJson)
    {
        var schema = AvroSchema.Parse(schemaJson);
        return new GenericDatumReader(schema).Deserialize(new GenericDatumWriter(schema).Serialize(record));
    }
}
