using System.Text.Json.Nodes;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Json;
using CdcBridge.Avro.Schemas;
using CdcBridge.Debezium.Events;
using CdcBridge.Debezium.Schema;

namespace CdcBridge.Debezium.Tests;

/// <summary>Reading change events that real Debezium pipelines produced, and ones built for every decimal and time mode.</summary>
public sealed class ChangeEventReaderTests
{
    [Fact]
    public void Debezium_1_9_records_read_as_snapshot_reads_an_update_a_delete_and_its_tombstone()
    {
        var key = Fixture("avro-registered-pg-key-orders-dbz1.9.7.avsc");
        var value = Fixture("avro-registered-pg-envelope-value-orders-dbz1.9.7.avsc");
        var changes = JsonNode.Parse(File.ReadAllText(Path("avro-json-pg-orders-dbz1.9.7-records.json")))!.AsArray()
            .Select(r => ChangeEventReader.Read("postgres.public.orders",
                AvroJsonDecoder.Decode(key, r!["key"], AvroJsonStyle.Specification),
                r["value"] is null ? null : AvroJsonDecoder.Decode(value, r["value"], AvroJsonStyle.Specification)))
            .ToList();

        changes.Select(c => c.Operation).Should().Equal(
            ChangeOperation.Read, ChangeOperation.Read, ChangeOperation.Read, ChangeOperation.Update, ChangeOperation.Delete, ChangeOperation.Tombstone);
        changes[0].Source!.IsSnapshot.Should().BeTrue();
        changes[2].Source!.Snapshot.Should().Be("last");
        changes[0].After!.GetString("customer_name").Should().Be("Bob");
        changes[0].Source!.Lsn.Should().Be(23911624);
        changes[0].Source!.TxId.Should().Be(490);
        changes[0].Table.Should().Be("orders");
        changes[3].Before.Should().BeNull("REPLICA IDENTITY DEFAULT carries no before image for an update");
        changes[4].Current.Should().BeSameAs(changes[4].Before);
        changes[5].Key!.GetInt("order_id").Should().Be(changes[4].Key!.GetInt("order_id"));
        changes[5].Table.Should().Be("orders");
    }

    [Theory]
    [InlineData(DecimalHandlingMode.Precise)]
    [InlineData(DecimalHandlingMode.Double)]
    [InlineData(DecimalHandlingMode.String)]
    public void A_quantity_reads_as_the_same_exact_decimal_in_every_decimal_mode(DecimalHandlingMode mode)
    {
        var settings = CaptureSettings.Odoo with { DecimalHandling = mode };
        var table = new PgTable("public", "stock_quant",
        [
            new("id", "int4", false, DefaultExpression: "nextval('stock_quant_id_seq'::regclass)"),
            new("quantity", "numeric", true), new("price", "numeric", true, Precision: 10, Scale: 2),
            new("in_date", "timestamp", false), new("note", "text", true),
        ], ["id"]);
        var envelope = (RecordSchema)DebeziumSchemas.Envelope(settings, table);
        var row = new GenericRecord((RecordSchema)((UnionSchema)envelope.GetField("before")!.Schema).Branches[1])
        {
            ["id"] = 7,
            ["quantity"] = mode switch
            {
                DecimalHandlingMode.Precise => new GenericRecord((RecordSchema)((UnionSchema)((RecordSchema)((UnionSchema)envelope.GetField("before")!.Schema).Branches[1]).GetField("quantity")!.Schema).Branches[1])
                {
                    ["scale"] = 3,
                    ["value"] = new byte[] { 0x30, 0x39 }, // 12345 → 12.345
                },
                DecimalHandlingMode.Double => 12.345,
                _ => "12.345",
            },
            ["price"] = mode == DecimalHandlingMode.Precise ? new AvroDecimal(999, 2) : mode == DecimalHandlingMode.Double ? 9.99 : "9.99",
            ["in_date"] = 1_767_323_045_123_456L,
            ["note"] = Unavailable.Placeholder,
        };
        var value = new GenericRecord(envelope)
        {
            ["before"] = null,
            ["after"] = row,
            ["source"] = Source(envelope),
            ["transaction"] = null,
            ["op"] = "c",
            ["ts_ms"] = 1_767_323_045_200L,
            ["ts_us"] = null,
            ["ts_ns"] = null,
        };

        // Through the binary encoding, as a consumer meets it.
        var bytes = new GenericDatumWriter(envelope).Serialize(value);
        var change = ChangeEventReader.Read("odoo.public.stock_quant", null, new GenericDatumReader(envelope).Deserialize(bytes));

        change.Operation.Should().Be(ChangeOperation.Create);
        change.After!.GetDecimal("quantity").Should().Be(AvroDecimal.Parse("12.345"));
        change.After.GetDecimal("price")!.Value.CompareTo(AvroDecimal.Parse("9.99")).Should().Be(0);
        change.After.GetDateTime("in_date").Should().Be(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234560));
        change.After.IsUnavailable("note").Should().BeTrue("the TOAST placeholder means: keep the value you have");
        change.Source!.Lsn.Should().Be(24023128);
    }

    [Fact]
    public void A_column_of_an_unknown_connect_type_fails_loudly()
    {
        var schema = (RecordSchema)AvroSchema.Parse("""
            {"type":"record","name":"Envelope","namespace":"odoo.public.geo","fields":[
             {"name":"before","type":["null",{"type":"record","name":"Value","fields":[{"name":"shape","type":{"type":"bytes","connect.name":"io.debezium.data.geometry.Geometry"}}]}],"default":null},
             {"name":"after","type":["null","Value"],"default":null},{"name":"op","type":"string"}]}
            """);
        var value = new GenericRecord(schema)
        {
            ["before"] = null,
            ["after"] = new GenericRecord((RecordSchema)((UnionSchema)schema.GetField("before")!.Schema).Branches[1]) { ["shape"] = new byte[] { 1 } },
            ["op"] = "c",
        };
        var act = () => ChangeEventReader.Read("odoo.public.geo", null, value);
        act.Should().Throw<UnmappableSchemaException>().WithMessage("*shape*io.debezium.data.geometry.Geometry*");
    }

    private static GenericRecord Source(RecordSchema envelope) => new((RecordSchema)envelope.GetField("source")!.Schema)
    {
        ["version"] = CaptureSettings.EmulatedDebeziumVersion,
        ["connector"] = "postgresql",
        ["name"] = "odoo",
        ["ts_ms"] = 1_767_323_045_123L,
        ["snapshot"] = "false",
        ["db"] = "odoo",
        ["sequence"] = "[\"24023119\",\"24023128\"]",
        ["ts_us"] = 1_767_323_045_123_456L,
        ["ts_ns"] = null,
        ["schema"] = "public",
        ["table"] = "stock_quant",
        ["txId"] = 777L,
        ["lsn"] = 24023128L,
        ["xmin"] = null,
    };

    private static string Path(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "debezium", file);

    private static AvroSchema Fixture(string file) => AvroSchema.Parse(File.ReadAllText(Path(file)));
}
