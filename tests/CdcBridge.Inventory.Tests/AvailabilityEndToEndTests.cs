using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Generic;
using CdcBridge.Avro.Registry;
using CdcBridge.Testing;
using Confluent.Kafka;
using Npgsql;

namespace CdcBridge.Inventory.Tests;

/// <summary>From an Odoo commit to the Shopify simulator's level and the analytics topic, through every real part.</summary>
public sealed class AvailabilityEndToEndTests(RegistryInfrastructure fixture)
{
    [Fact]
    public async Task Plus_7_on_hand_in_a_mapped_location_shows_as_plus_7_sellable_in_shopify_and_minus_7_brings_it_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pipeline = await AvailabilityPipeline.StartAsync(fixture, ct);
        await pipeline.SettleAsync(ct);

        string sku;
        int productId, stockLocation;
        await using (var db = new NpgsqlConnection(pipeline.Odoo))
        {
            await db.OpenAsync(ct);
            await using var pick = new NpgsqlCommand(
                """
                SELECT pp.default_code, pp.id, w.lot_stock_id FROM product_product pp
                JOIN product_template pt ON pt.id = pp.product_tmpl_id, stock_warehouse w
                WHERE pt.type = 'product' AND pp.default_code IS NOT NULL AND w.code = 'WH'
                ORDER BY pp.id LIMIT 1
                """, db);
            await using var reader = await pick.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (sku, productId, stockLocation) = (reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));
        }

        var before = pipeline.Shopify.Level(sku, pipeline.WarehouseLocationId);
        before.OnHand.Should().Be((long?)pipeline.Projector.ValueOf(new AvailabilityKey(pipeline.Shopify.ShopDomain, sku, pipeline.WarehouseLocationId)),
            "after the snapshot Shopify holds the policy's value");

        await using (var db = new NpgsqlConnection(pipeline.Odoo))
        {
            await db.OpenAsync(ct);
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO stock_quant (id, product_id, company_id, location_id, quantity, reserved_quantity, in_date) VALUES (990777, {productId}, 1, {stockLocation}, 7, 0, now() AT TIME ZONE 'UTC')", db);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await Eventually(() => pipeline.Shopify.Level(sku, pipeline.WarehouseLocationId).OnHand == before.OnHand + 7, ct);
        pipeline.Shopify.Level(sku, pipeline.WarehouseLocationId).Available.Should().Be(before.Available + 7);

        await using (var db = new NpgsqlConnection(pipeline.Odoo))
        {
            await db.OpenAsync(ct);
            await using var delete = new NpgsqlCommand("DELETE FROM stock_quant WHERE id = 990777", db);
            await delete.ExecuteNonQueryAsync(ct);
        }

        await Eventually(() => pipeline.Shopify.Level(sku, pipeline.WarehouseLocationId).OnHand == before.OnHand, ct);
        pipeline.Shopify.Level(sku, pipeline.WarehouseLocationId).Available.Should().Be(before.Available);

        // Both changes are on the analytics topic, keyed by store, SKU and location, with the inputs that explain them.
        // Read until both changes are there: the snapshot may have produced more than one value for the key before them.
        var values = await AnalyticsValuesAsync(pipeline, sku,
            found => found.Count >= 2 && (int)found[^2]["pushed_on_hand"]! == before.OnHand + 7 && (int)found[^1]["pushed_on_hand"]! == before.OnHand, ct);
        values.TakeLast(2).Select(v => (long)(int)v["pushed_on_hand"]!).Should().Equal(before.OnHand + 7, before.OnHand);
        var plus = values[^2];
        ((long?)(int?)plus["previous_pushed_on_hand"]).Should().Be(before.OnHand);
        plus["trigger"]!.ToString().Should().Be("ODOO_CHANGE");
        ((long?)plus["source_lsn"]).Should().BeGreaterThan(0);
        ((AvroDecimal)plus["odoo_on_hand"]!).ToDecimal().Should().BeGreaterThanOrEqualTo(7);
    }

    private async Task<List<GenericRecord>> AnalyticsValuesAsync(AvailabilityPipeline pipeline, string sku, Func<List<GenericRecord>, bool> enough, CancellationToken ct)
    {
        using var registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = fixture.RegistryUrl });
        var deserializer = new AvroDeserializer(registry);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = fixture.Infrastructure.KafkaBootstrap,
            GroupId = Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(pipeline.AnalyticsTopic, p, Offset.Beginning)));
        var found = new List<GenericRecord>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!enough(found) && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            var value = (GenericRecord)(await deserializer.DeserializeAsync(result.Message.Value, false, new SerializationContext(MessageComponentType.Value, pipeline.AnalyticsTopic)))!;
            if ((string)value["sku"]! == sku && (long)value["shopify_location_id"]! == pipeline.WarehouseLocationId)
            {
                found.Add(value);
            }
        }

        ct.ThrowIfCancellationRequested();
        return found;
    }

    /// <summary>Waits for a condition the simulator reports (not for a fixed time).</summary>
    private static async Task Eventually(Func<bool> condition, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition was not met within 60 s.");
            }

            await Task.Delay(20, ct);
        }
    }
}
