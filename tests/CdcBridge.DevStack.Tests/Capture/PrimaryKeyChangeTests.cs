using System.Text;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Debezium.Events;
using CdcBridge.Testing;
using Confluent.Kafka;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>
/// An update that changes a row's primary key is emitted as Debezium does (PostgreSQL connector docs, "Primary key
/// updates"): a delete under the old key and its tombstone, both with header <c>__debezium.newkey</c>, then a create
/// under the new key with header <c>__debezium.oldkey</c>; the header values are the other key as JSON, as Kafka
/// Connect's JsonConverter (schemas off, set in connect/odoo-connector.json) writes them.
/// </summary>
public sealed class PrimaryKeyChangeTests(InfrastructureFixture fixture) : IAsyncLifetime
{
    private CaptureHarness? _harness;

    public async ValueTask InitializeAsync() =>
        _harness = await CaptureHarness.StartAsync(fixture.Infrastructure, ct: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task Bug_a_primary_key_update_was_one_u_event_under_the_new_key_it_is_a_delete_tombstone_and_create_with_the_key_headers()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = _harness!;
        await harness.StartCaptureAsync();
        var topic = harness.Topic("stock_quant");
        using var consumer = harness.Consumer(topic);

        await harness.ExecuteAsync("INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES (998001, 1, 11, 4, 0, now())", ct);
        await harness.ExecuteAsync("UPDATE stock_quant SET id = 998002 WHERE id = 998001", ct);

        var records = await ReadUntilAsync(consumer, r => r.Any(x => x.Key == 998002), ct);
        // The old and the new key hash to their own partitions: each key's records are in order, not the two together.
        var moved = records.Where(r => r.Key == 998001).Skip(1).Concat(records.Where(r => r.Key == 998002)).ToList();
        records.Where(r => r.Key == 998001).First().Op.Should().Be("c");

        moved.Select(r => (r.Key, r.Op)).Should().Equal((998001, "d"), (998001, "tombstone"), (998002, "c"));
        moved[0].Headers.Should().Equal(new Dictionary<string, string> { ["__debezium.newkey"] = """{"id":998002}""" });
        moved[1].Headers.Should().Equal(new Dictionary<string, string> { ["__debezium.newkey"] = """{"id":998002}""" });
        moved[2].Headers.Should().Equal(new Dictionary<string, string> { ["__debezium.oldkey"] = """{"id":998001}""" });
        moved[0].Change!.Before!.GetInt("id").Should().Be(998001, "the delete's before holds the old key (replica identity DEFAULT: key columns only)");
        moved[2].Change!.After!.GetDecimal("quantity")!.Value.ToDecimal().Should().Be(4m);
        moved[2].Change!.Before.Should().BeNull();
    }

    [Fact]
    public async Task An_update_that_keeps_the_key_is_one_u_event_without_headers()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = _harness!;
        await harness.StartCaptureAsync();
        using var consumer = harness.Consumer(harness.Topic("stock_quant"));

        await harness.ExecuteAsync("INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES (998011, 1, 11, 4, 0, now())", ct);
        await harness.ExecuteAsync("UPDATE stock_quant SET quantity = 9 WHERE id = 998011", ct);

        var records = await ReadUntilAsync(consumer, r => r.Any(x => x.Key == 998011 && x.Op == "u"), ct);

        records.Where(r => r.Key == 998011).Select(r => (r.Op, r.Headers.Count)).Should().Equal(("c", 0), ("u", 0));
    }

    private sealed record Read(int Key, string Op, IReadOnlyDictionary<string, string> Headers, RowChange? Change);

    private async Task<List<Read>> ReadUntilAsync(IConsumer<byte[]?, byte[]?> consumer, Func<List<Read>, bool> done, CancellationToken ct)
    {
        var deserializer = new AvroDeserializer(_harness!.Registry);
        var read = new List<Read>();
        return await Eventually.UntilAsync(async () =>
        {
            while (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
            {
                var context = new SerializationContext(MessageComponentType.Value, record.Topic);
                var key = (GenericRecord)(await deserializer.DeserializeAsync(record.Message.Key!, false, context))!;
                var value = record.Message.Value is null ? null : await deserializer.DeserializeAsync(record.Message.Value, false, context);
                var change = value is null ? null : ChangeEventReader.Read(record.Topic, key, value);
                var headers = (record.Message.Headers ?? []).ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
                read.Add(new Read((int)key["id"]!, change is null ? "tombstone" : (string)((GenericRecord)value!)["op"]!, headers, change));
            }

            return read;
        }, done, r => $"{r.Count} records read", ct);
    }
}
