using System.Text.Json.Nodes;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.IntegrationTests;

/// <summary>
/// With the stack up, quant changes in the odoo database appear on odoo.public.stock_quant as Debezium envelopes,
/// read by an independent Confluent Avro client (Debian's python3-confluent-kafka AvroConsumer) through the registry.
/// </summary>
public sealed class CaptureEndToEndTests(RunningStack stack) : IClassFixture<RunningStack>
{
    [Fact]
    public async Task An_insert_update_and_delete_of_a_quant_arrive_as_c_u_d_and_a_tombstone_for_a_confluent_avro_consumer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var odoo = new NpgsqlConnection(stack.Endpoints.Postgres.Odoo))
        {
            await odoo.OpenAsync(ct);
            foreach (var sql in new[]
            {
                "INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES (990002, 1, 11, 7, 0, '2026-11-22 10:00:00')",
                "UPDATE stock_quant SET quantity = 14 WHERE id = 990002",
                "DELETE FROM stock_quant WHERE id = 990002",
            })
            {
                await using var command = new NpgsqlCommand(sql, odoo);
                await command.ExecuteNonQueryAsync(ct);
            }
        }

        var lines = (await ConfluentPython.RunAsync(["follow", stack.Endpoints.Kafka.Bootstrap, stack.Endpoints.SchemaRegistry!.Url, "odoo.public.stock_quant", "id", "990002", "4"], ct))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();

        lines.Select(l => l["value"]?["op"]?.GetValue<string>()).Should().Equal("c", "u", "d", null);
        lines[3]["value"].Should().BeNull("a delete is followed by a tombstone");
        var created = lines[0]["value"]!;
        created["after"]!["quantity"]!["scale"]!.GetValue<int>().Should().Be(0, "numeric without scale travels as io.debezium.data.VariableScaleDecimal");
        created["after"]!["in_date"]!.GetValue<long>().Should().Be(1_795_341_600_000_000, "timestamps are MicroTimestamp µs since the epoch");
        created["source"]!["connector"]!.GetValue<string>().Should().Be("postgresql");
        created["source"]!["table"]!.GetValue<string>().Should().Be("stock_quant");
        created["source"]!["snapshot"]!.GetValue<string>().Should().Be("false");
        created["source"]!["lsn"]!.GetValue<long>().Should().BePositive();
        lines[1]["value"]!["before"]!["id"]!.GetValue<int>().Should().Be(990002, "stock_quant has REPLICA IDENTITY FULL: updates carry the old row");
        lines[2]["value"]!["before"]!["id"]!.GetValue<int>().Should().Be(990002);
    }

    [Fact]
    public async Task Status_shows_capture_events_the_confirmed_lsn_and_the_lag()
    {
        var ct = TestContext.Current.CancellationToken;
        JsonNode? capture = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (capture is null && DateTime.UtcNow < deadline)
        {
            // The running stack writes its status every 2 s; wait for the first one.
            var (code, output) = await CdcBridgeProcess.RunAsync(ct, ["status", "--json", .. stack.Where]);
            code.Should().Be(0, output);
            capture = JsonNode.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..])!["capture"];
            if (capture is null)
            {
                await Task.Delay(250, ct);
            }
        }

        capture.Should().NotBeNull("the stack reports its capture status");
        capture!["events"]!.GetValue<long>().Should().BePositive("the snapshot alone produced events");
        capture["confirmedLsn"]!.GetValue<string>().Should().Contain("/");
        capture["lagBytes"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(0);

        var (textCode, text) = await CdcBridgeProcess.RunAsync(ct, ["status", .. stack.Where]);
        textCode.Should().Be(0);
        text.Should().Contain("capture:").And.Contain("slot confirmed").And.Contain("behind");
    }

    [Fact]
    public async Task Bug_dev_left_its_capture_stopped_when_the_replication_connection_broke_it_restarts_from_the_slot_and_changes_still_arrive()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var odoo = new NpgsqlConnection(stack.Endpoints.Postgres.Odoo))
        {
            await odoo.OpenAsync(ct);
            // What a PostgreSQL restart or a failover does to the capture: its walsender ends.
            await using (var terminate = new NpgsqlCommand(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1 AND pg_terminate_backend(active_pid)", odoo)
            { Parameters = { new() { Value = Debezium.CaptureSettings.Odoo.SlotName } } })
            {
                ((long)(await terminate.ExecuteScalarAsync(ct))!).Should().Be(1, "the capture was streaming from its slot");
            }

            await using var insert = new NpgsqlCommand(
                "INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES (990004, 1, 11, 3, 0, now())", odoo);
            await insert.ExecuteNonQueryAsync(ct);
        }

        var lines = (await ConfluentPython.RunAsync(["follow", stack.Endpoints.Kafka.Bootstrap, stack.Endpoints.SchemaRegistry!.Url, "odoo.public.stock_quant", "id", "990004", "1"], ct))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();

        lines.Select(l => l["value"]?["op"]?.GetValue<string>()).Should().Equal(["c"], "the restarted capture streams what was committed while it was down");
        var capture = await Eventually.UntilAsync(async () =>
            {
                var (code, output) = await CdcBridgeProcess.RunAsync(ct, ["status", "--json", .. stack.Where]);
                code.Should().Be(0, output);
                return JsonNode.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..])!["capture"];
            },
            c => c?["restarts"]?.GetValue<int>() >= 1,
            c => $"status: {c?.ToJsonString() ?? "no capture section"}", ct);
        capture!["lastError"]!.GetValue<string>().Should().NotBeNullOrEmpty("status says why capture restarted");
    }
}
