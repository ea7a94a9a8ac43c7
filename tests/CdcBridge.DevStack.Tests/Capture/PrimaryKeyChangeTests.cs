using CdcBridge.Debezium.Events;
using CdcBridge.Testing;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>
/// An update that changes a row's primary key is emitted as Debezium does (PostgreSQL connector docs, "Primary key
/// updates"): a delete under the old key and its tombstone, both with header <c>__debezium.newkey</c>, then a create
/// under the new key with header <c>__debezium.oldkey</c>; the header values are the other key as JSON, as Kafka
/// Connect's JsonConverter (schemas off, set in connect/odoo-connector.json) writes them.
/// </summary>
public sealed class PrimaryKeyChangeTests(InfrastructureFixture fixture) : HarnessedCapture(fixture)
{
    [Fact]
    public async Task Bug_a_primary_key_update_was_one_u_event_under_the_new_key_it_is_a_delete_tombstone_and_create_with_the_key_headers()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = Harness;
        await harness.StartCaptureAsync();
        using var consumer = harness.Consumer(harness.Topic("stock_quant"));

        await harness.ExecuteAsync("INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES (998001, 1, 11, 4, 0, now())", ct);
        await harness.ExecuteAsync("UPDATE stock_quant SET id = 998002 WHERE id = 998001", ct);

        // The old and the new key hash to their own partitions: each key's records are in order, not the two together,
        // so the read waits for the last record of each.
        var records = await harness.ReadUntilAsync(consumer,
            r => r.Any(x => Id(x) == 998002) && r.Any(x => Id(x) == 998001 && x.Change.Operation == ChangeOperation.Tombstone), ct);
        var old = records.Where(r => Id(r) == 998001).ToList();
        var moved = old.Skip(1).Concat(records.Where(r => Id(r) == 998002)).ToList();

        old[0].Change.Operation.Should().Be(ChangeOperation.Create);
        moved.Select(r => (Id(r), r.Change.Operation)).Should().Equal(
            (998001, ChangeOperation.Delete), (998001, ChangeOperation.Tombstone), (998002, ChangeOperation.Create));
        moved[0].Headers.Should().Equal(new Dictionary<string, string> { ["__debezium.newkey"] = """{"id":998002}""" });
        moved[1].Headers.Should().Equal(new Dictionary<string, string> { ["__debezium.newkey"] = """{"id":998002}""" });
        moved[2].Headers.Should().Equal(new Dictionary<string, string> { ["__debezium.oldkey"] = """{"id":998001}""" });
        moved[0].Change.Before!.GetInt("id").Should().Be(998001, "the delete's before holds the old key (replica identity DEFAULT: key columns only)");
        moved[2].Change.After!.GetDecimal("quantity")!.Value.ToDecimal().Should().Be(4m);
        moved[2].Change.Before.Should().BeNull();
    }

    [Fact]
    public async Task An_update_that_keeps_the_key_is_one_u_event_without_headers()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = Harness;
        await harness.StartCaptureAsync();
        using var consumer = harness.Consumer(harness.Topic("stock_quant"));

        await harness.ExecuteAsync("INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES (998011, 1, 11, 4, 0, now())", ct);
        await harness.ExecuteAsync("UPDATE stock_quant SET quantity = 9 WHERE id = 998011", ct);

        var records = await harness.ReadUntilAsync(consumer, r => r.Any(x => Id(x) == 998011 && x.Change.Operation == ChangeOperation.Update), ct);

        records.Where(r => Id(r) == 998011).Select(r => (r.Change.Operation, r.Headers.Count))
            .Should().Equal((ChangeOperation.Create, 0), (ChangeOperation.Update, 0));
    }

    private static int? Id(Consumed record) => record.Change.Key?.GetInt("id");
}
