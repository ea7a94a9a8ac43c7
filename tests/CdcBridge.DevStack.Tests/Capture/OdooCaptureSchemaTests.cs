using System.Text.Json.Nodes;
using CdcBridge.Avro.Schemas;
using CdcBridge.Capture;
using CdcBridge.Debezium;
using CdcBridge.Debezium.Schema;
using CdcBridge.DevStack.Odoo;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>Column types read from a real PostgreSQL catalog map to the Avro types Debezium registers for them.</summary>
public sealed class OdooCaptureSchemaTests(InfrastructureFixture fixture)
{
    private readonly ITestInfrastructure _infra = fixture.Infrastructure;

    public static TheoryData<string> TemporalCases() =>
        [.. Reference().Select(c => c!["case"]!.GetValue<string>())];

    /// <summary>Cases from a Debezium 3.3.1 reference run (TestData/debezium/temporal-reference.json): DDL → Avro field type.</summary>
    [Theory]
    [MemberData(nameof(TemporalCases))]
    public async Task A_temporal_column_maps_to_the_avro_type_debezium_registers(string name)
    {
        var ct = TestContext.Current.CancellationToken;
        var reference = Reference().Single(c => c!["case"]!.GetValue<string>() == name)!;
        await using var connection = new NpgsqlConnection(await _infra.CreateEmptyDatabaseAsync(ct));
        await connection.OpenAsync(ct);
        await using (var create = new NpgsqlCommand($"CREATE TABLE {name} (id bigserial PRIMARY KEY, value {reference["column_type_ddl"]!.GetValue<string>()})", connection))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        var table = await PgCatalog.ReadTableAsync(connection, "public", name, ct);
        var value = (RecordSchema)DebeziumSchemas.Value(CaptureSettings.Odoo, table);

        var expected = AvroSchema.Parse(reference["expected_avro_field_schema"]!.ToJsonString());
        value.GetField("value")!.Schema.ToJson().Should().Be(expected.ToJson());
        value.GetField("id")!.Schema.ToJson().Should().Be("""{"type":"long","connect.default":0}""", "bigserial defaults to nextval: Debezium's placeholder 0");
    }

    [Fact]
    public async Task Every_captured_odoo_table_maps_to_a_debezium_envelope_keyed_by_its_serial_id()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(await _infra.CreateOdooDatabaseAsync(ct));
        await connection.OpenAsync(ct);
        foreach (var name in OdooSchema.CapturedTables)
        {
            var table = await PgCatalog.ReadTableAsync(connection, "public", name, ct);
            var envelope = (RecordSchema)DebeziumSchemas.Envelope(CaptureSettings.Odoo, table);
            envelope.FullName.Should().Be($"odoo.public.{name}.Envelope");
            DebeziumSchemas.Key(CaptureSettings.Odoo, table)!.ToJson().Should().Contain("""{"name":"id","type":{"type":"int","connect.default":0},"default":0}""");
        }
    }

    [Fact]
    public void The_connector_config_and_the_odoo_schema_agree_on_publication_and_tables()
    {
        var settings = CaptureSettings.Odoo;
        settings.PublicationName.Should().Be(OdooSchema.PublicationName);
        settings.Tables.Should().BeEquivalentTo(OdooSchema.CapturedTables.Concat(OdooSchema.CaptureTables).Select(t => $"public.{t}"),
            "connect/odoo-connector.json's table.include.list is exactly the publication");
        settings.SignalTable.Should().Be("public.cdcbridge_signal");
        settings.IncrementalSnapshotChunkSize.Should().Be(1024, "incremental.snapshot.chunk.size, Debezium's default");
        settings.HeartbeatActionQuery.Should().Contain("cdcbridge_heartbeat");
    }

    private static JsonArray Reference() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "debezium", "temporal-reference.json")))!.AsArray();
}
