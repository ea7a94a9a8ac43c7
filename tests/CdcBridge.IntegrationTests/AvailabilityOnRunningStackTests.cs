using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.IntegrationTests;

/// <summary>
/// Issue 5's "done when": with the stack up, +7 on hand on a quant in a mapped location shows as +7 sellable for that
/// SKU in the Shopify simulator's /_sim/inventory, and −7 brings it back.
/// </summary>
public sealed partial class AvailabilityOnRunningStackTests(RunningStack stack) : IClassFixture<RunningStack>
{
    [Fact]
    public async Task Plus_7_on_hand_in_odoo_shows_as_plus_7_available_in_sim_inventory_and_minus_7_brings_it_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var shopify = stack.Endpoints.Shopify ?? throw new InvalidOperationException("endpoints.json has no shopify entry");
        string sku, warehouse;
        int product, location;
        await using (var odoo = new NpgsqlConnection(stack.Endpoints.Postgres.Odoo))
        {
            await odoo.OpenAsync(ct);
            await using var pick = new NpgsqlCommand(
                """
                SELECT pp.default_code, pp.id, w.lot_stock_id, w.name FROM product_product pp
                JOIN product_template pt ON pt.id = pp.product_tmpl_id, stock_warehouse w
                WHERE pt.type = 'product' AND pp.default_code IS NOT NULL AND w.id = 1 ORDER BY pp.id DESC LIMIT 1
                """, odoo);
            await using var reader = await pick.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (sku, product, location, warehouse) = (reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3));
        }

        using var http = new HttpClient { BaseAddress = new Uri(shopify.Url) };
        async Task<JsonNode> LevelAsync() => (await http.GetFromJsonAsync<JsonArray>($"/_sim/inventory?sku={Uri.EscapeDataString(sku)}", ct))!
            .Single(l => l!["locationName"]!.GetValue<string>() == warehouse)!;

        // A settled start: the snapshot's values have reached Shopify. (Reading the level before the first push landed
        // made "+7" look met by the first push itself, and the "−7" then waited for a value Odoo never had.)
        await ProjectionPastOdooNowAsync(ct);
        var before = await LevelAsync();
        await ExecuteAsync($"INSERT INTO stock_quant (id, product_id, company_id, location_id, quantity, reserved_quantity, in_date) VALUES (990555, {product}, 1, {location}, 7, 0, now() AT TIME ZONE 'UTC')", ct);
        var plus = await EventuallyAsync(LevelAsync, l => l["onHand"]!.GetValue<long>() >= before["onHand"]!.GetValue<long>() + 7, ct);
        (plus["available"]!.GetValue<long>() - plus["onHand"]!.GetValue<long>()).Should().Be(before["available"]!.GetValue<long>() - before["onHand"]!.GetValue<long>());

        await ExecuteAsync("DELETE FROM stock_quant WHERE id = 990555", ct);
        var back = await EventuallyAsync(LevelAsync, l => l["onHand"]!.GetValue<long>() == plus["onHand"]!.GetValue<long>() - 7, ct);
        back["available"]!.GetValue<long>().Should().Be(plus["available"]!.GetValue<long>() - 7);
    }

    [Fact]
    public async Task Run_with_a_configuration_file_maps_the_stores_locations_and_keeps_its_own_projection()
    {
        var ct = TestContext.Current.CancellationToken;
        var shopify = stack.Endpoints.Shopify ?? throw new InvalidOperationException("endpoints.json has no shopify entry");
        var folder = Directory.CreateTempSubdirectory("cdcbridge-run").FullName;
        var database = $"run_{Guid.NewGuid():N}"[..20];
        var server = new NpgsqlConnectionStringBuilder(stack.Endpoints.Postgres.Sidecar);
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync(ct);
        }

        // Secrets by reference: the token and the password sit in files beside the configuration.
        await File.WriteAllTextAsync(Path.Combine(folder, "shopify-token"), shopify.AccessToken + "\n", ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "db-password"), server.Password, ct);
        var sidecar = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database, Password = null };
        var odooWithoutPassword = new NpgsqlConnectionStringBuilder(stack.Endpoints.Postgres.Odoo) { Password = null }.ConnectionString;
        string Config(string location) => new JsonObject
        {
            ["kafka"] = new JsonObject { ["bootstrap"] = stack.Endpoints.Kafka.Bootstrap },
            ["schemaRegistry"] = new JsonObject { ["url"] = stack.Endpoints.SchemaRegistry!.Url },
            ["postgres"] = new JsonObject { ["sidecar"] = sidecar.ConnectionString, ["password"] = "file:db-password" },
            ["projection"] = new JsonObject { ["groupPrefix"] = database, ["cdcTopicPrefix"] = database },
            // Its own capture of the odoo database (its own slot and topics), as a shop without Kafka Connect runs it.
            ["capture"] = new JsonObject { ["odoo"] = odooWithoutPassword, ["password"] = "file:db-password", ["slotName"] = database },
            ["stores"] = new JsonArray(new JsonObject
            {
                ["shopDomain"] = shopify.ShopDomain,
                ["adminUrl"] = shopify.Url,
                ["accessToken"] = "file:shopify-token",
                ["plan"] = "Plus",
                ["locations"] = new JsonArray(new JsonObject { ["shopify"] = location, ["warehouses"] = new JsonArray("WH") }),
            }),
        }.ToJsonString();

        var (sku, product, location, warehouse) = await PickAsync(ct);
        var wrong = Path.Combine(folder, "wrong.json");
        await File.WriteAllTextAsync(wrong, Config("Nowhere"), ct);
        var (code, output) = await CdcBridgeProcess.RunAsync(ct, "run", "--config", wrong, "--check");
        code.Should().Be(2, output);
        output.Should().Contain("stores[0].locations[0].shopify").And.Contain($"has no location 'Nowhere'").And.Contain($"'{warehouse}'");

        var path = Path.Combine(folder, "cdcbridge.json");
        await File.WriteAllTextAsync(path, Config(warehouse), ct);
        (code, output) = await CdcBridgeProcess.RunAsync(ct, "run", "--config", path, "--check");
        code.Should().Be(0, output);
        output.Should().Contain($"'{warehouse}'").And.Contain("← WH").And.Contain("Configuration is valid.").And.NotContain(shopify.AccessToken);

        await using var run = CdcBridgeProcess.Start("run", "--config", path);
        await run.WaitForOutputAsync("Running: projection", TimeSpan.FromMinutes(1), ct);
        var locationGid = (await SimLevelAsync(shopify.Url, sku, warehouse, ct))["locationId"]!.GetValue<string>();
        var locationId = long.Parse(locationGid[(locationGid.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var runDatabase = new NpgsqlConnectionStringBuilder(sidecar.ConnectionString) { Password = server.Password }.ConnectionString;
        async Task<int?> ProjectedAsync(string connectionString)
        {
            await using var db = new NpgsqlConnection(connectionString);
            await db.OpenAsync(ct);
            await using var read = new NpgsqlCommand("SELECT on_hand FROM inventory.availability WHERE shop_domain = $1 AND sku = $2 AND location_id = $3", db)
            {
                Parameters = { new() { Value = shopify.ShopDomain }, new() { Value = sku }, new() { Value = locationId } },
            };
            try
            {
                return (int?)await read.ExecuteScalarAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                return null; // the projection has not created its tables yet
            }
        }

        // From its own capture's snapshot, the run's projection agrees with the dev sidecar's; then it follows a new change.
        var agreed = await EventuallyAsync(
            async () => new JsonArray(await ProjectedAsync(runDatabase) ?? -1, await ProjectedAsync(stack.Endpoints.Postgres.Sidecar) ?? -2),
            v => v[0]!.GetValue<int>() == v[1]!.GetValue<int>(), ct);
        var before = agreed[0]!.GetValue<int>();
        await ExecuteAsync($"INSERT INTO stock_quant (id, product_id, company_id, location_id, quantity, reserved_quantity, in_date) VALUES (990556, {product}, 1, {location}, 3, 0, now() AT TIME ZONE 'UTC')", ct);
        try
        {
            await EventuallyAsync(async () => JsonValue.Create(await ProjectedAsync(runDatabase) ?? -1)!, v => v.GetValue<int>() == before + 3, ct);
        }
        finally
        {
            await ExecuteAsync("DELETE FROM stock_quant WHERE id = 990556", ct);
            run.Kill();
            await ExecuteAsync($"SELECT pg_drop_replication_slot('{database}') FROM pg_replication_slots WHERE slot_name = '{database}' AND NOT active", ct);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Status_lists_a_parked_shopify_push_and_replay_lands_the_current_value()
    {
        var ct = TestContext.Current.CancellationToken;
        var shopify = stack.Endpoints.Shopify ?? throw new InvalidOperationException("endpoints.json has no shopify entry");
        var (sku, _, _, warehouse) = await PickAsync(ct);
        var level = await SimLevelAsync(shopify.Url, sku, warehouse, ct);
        var gid = level["locationId"]!.GetValue<string>();
        var locationId = long.Parse(gid[(gid.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        await EventuallyAsync(async () => JsonValue.Create(await SidecarScalarAsync<int?>(
            "SELECT on_hand FROM inventory.availability WHERE shop_domain = $1 AND sku = $2 AND location_id = $3", ct, shopify.ShopDomain, sku, locationId) ?? -1)!,
            v => v.GetValue<int>() >= 0, ct);

        // As the dispatcher parks a push Shopify refused for good; meanwhile Shopify was set to something else by hand.
        var parkedId = await SidecarScalarAsync<long>(
            "INSERT INTO channels.shopify_parked (shop_domain, sku, location_id, on_hand, code, reason) VALUES ($1, $2, $3, 424242, 'INVALID_LOCATION', 'The specified location could not be found.') RETURNING id",
            ct, shopify.ShopDomain, sku, locationId);
        var (code, output) = await CdcBridgeProcess.RunAsync(ct, ["status", .. stack.Where]);
        code.Should().Be(0, output);
        output.Should().Contain($"#{parkedId} ").And.Contain($"{sku} @ location {locationId} = 424242: INVALID_LOCATION The specified location could not be found.");

        (code, output) = await CdcBridgeProcess.RunAsync(ct, ["replay", "shopify", "--all", "--config", "x.json", .. stack.Where]);
        code.Should().Be(2, "--config names a file that does not exist");
        (code, output) = await CdcBridgeProcess.RunAsync(ct, ["replay", "shopify", .. stack.Where]);
        code.Should().Be(2, output);
        (code, output) = await CdcBridgeProcess.RunAsync(ct, ["replay", "shopify", parkedId.ToString(System.Globalization.CultureInfo.InvariantCulture), .. stack.Where]);
        code.Should().Be(0, output);
        output.Should().Contain("1 parked push(es) queued again");

        // The replay carries the projection's current value, not the refused one, and the dispatcher takes it out of the outbox.
        await EventuallyAsync(async () => JsonValue.Create(await SidecarScalarAsync<long>("SELECT count(*) FROM channels.shopify_outbox", ct))!, v => v.GetValue<long>() == 0, ct);
        await EventuallyAsync(
            async () => new JsonArray(await SidecarScalarAsync<int>("SELECT on_hand FROM inventory.availability WHERE shop_domain = $1 AND sku = $2 AND location_id = $3",
                ct, shopify.ShopDomain, sku, locationId), (await SimLevelAsync(shopify.Url, sku, warehouse, ct))["onHand"]!.GetValue<long>()),
            v => v[0]!.GetValue<int>() == v[1]!.GetValue<long>(), ct);
        (await SimLevelAsync(shopify.Url, sku, warehouse, ct))["onHand"]!.GetValue<long>().Should().NotBe(424242);
        (code, output) = await CdcBridgeProcess.RunAsync(ct, ["status", .. stack.Where]);
        output.Should().NotContain($"#{parkedId} ");
        (code, _) = await CdcBridgeProcess.RunAsync(ct, ["replay", "shopify", parkedId.ToString(System.Globalization.CultureInfo.InvariantCulture), .. stack.Where]);
        code.Should().Be(1, "a replayed push is not waiting any more");
    }

    private async Task<T> SidecarScalarAsync<T>(string sql, CancellationToken ct, params object[] values)
    {
        await using var db = new NpgsqlConnection(stack.Endpoints.Postgres.Sidecar);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        var result = await command.ExecuteScalarAsync(ct);
        return result is null or DBNull ? default! : (T)result;
    }

    [Fact]
    public async Task Run_killed_mid_stream_and_restarted_loses_no_committed_change_of_its_capture()
    {
        var ct = TestContext.Current.CancellationToken;
        var shopify = stack.Endpoints.Shopify ?? throw new InvalidOperationException("endpoints.json has no shopify entry");
        var folder = Directory.CreateTempSubdirectory("cdcbridge-kill").FullName;
        var database = $"kill_{Guid.NewGuid():N}"[..20];
        var server = new NpgsqlConnectionStringBuilder(stack.Endpoints.Postgres.Sidecar);
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync(ct);
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "shopify-token"), shopify.AccessToken, ct);
        await File.WriteAllTextAsync(Path.Combine(folder, "db-password"), server.Password, ct);
        var (_, product, location, warehouse) = await PickAsync(ct);
        var path = Path.Combine(folder, "cdcbridge.json");
        await File.WriteAllTextAsync(path, new JsonObject
        {
            ["kafka"] = new JsonObject { ["bootstrap"] = stack.Endpoints.Kafka.Bootstrap },
            ["schemaRegistry"] = new JsonObject { ["url"] = stack.Endpoints.SchemaRegistry!.Url },
            ["postgres"] = new JsonObject
            {
                ["sidecar"] = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database, Password = null }.ConnectionString,
                ["password"] = "file:db-password",
            },
            ["projection"] = new JsonObject { ["groupPrefix"] = database, ["cdcTopicPrefix"] = database },
            ["capture"] = new JsonObject
            {
                ["odoo"] = new NpgsqlConnectionStringBuilder(stack.Endpoints.Postgres.Odoo) { Password = null }.ConnectionString,
                ["password"] = "file:db-password",
                ["slotName"] = database,
            },
            ["stores"] = new JsonArray(new JsonObject
            {
                ["shopDomain"] = shopify.ShopDomain,
                ["adminUrl"] = shopify.Url,
                ["accessToken"] = "file:shopify-token",
                ["locations"] = new JsonArray(new JsonObject { ["shopify"] = warehouse, ["warehouses"] = new JsonArray("WH") }),
            }),
        }.ToJsonString(), ct);

        const int Transactions = 300, PerTransaction = 5, FirstId = 993_000;
        var run = CdcBridgeProcess.Start("run", "--config", path);
        try
        {
            await run.WaitForOutputAsync("Running: projection", TimeSpan.FromMinutes(1), ct);
            var committed = 0;
            var writer = Task.Run(async () =>
            {
                await using var odoo = new NpgsqlConnection(stack.Endpoints.Postgres.Odoo);
                await odoo.OpenAsync(ct);
                for (var t = 0; t < Transactions; t++)
                {
                    await using var insert = new NpgsqlCommand(
                        $"INSERT INTO stock_quant (id, product_id, company_id, location_id, quantity, reserved_quantity, in_date) "
                        + $"SELECT g, {product}, 1, {location}, 1, 0, now() AT TIME ZONE 'UTC' FROM generate_series({FirstId + (t * PerTransaction)}, {FirstId + (t * PerTransaction) + PerTransaction - 1}) g",
                        odoo);
                    await insert.ExecuteNonQueryAsync(ct);
                    Interlocked.Increment(ref committed);
                }
            }, ct);

            // SIGKILL while the writer is mid-stream: no drain, no slot confirmation for what Kafka has not acknowledged.
            while (Volatile.Read(ref committed) < Transactions / 3)
            {
                await Task.Delay(5, ct);
            }

            run.Kill();
            await run.WaitForExitAsync(ct);
            await run.DisposeAsync();
            await writer;

            run = CdcBridgeProcess.Start("run", "--config", path);
            await run.WaitForOutputAsync("Running: projection", TimeSpan.FromMinutes(1), ct);
            var seen = await QuantIdsOnTopicAsync($"{database}.public.stock_quant", FirstId, Transactions * PerTransaction, ct);
            seen.Should().BeEquivalentTo(Enumerable.Range(FirstId, Transactions * PerTransaction), "every committed insert reaches the topic across the kill");
        }
        finally
        {
            run.Kill();
            await run.DisposeAsync();
            await ExecuteAsync($"DELETE FROM stock_quant WHERE id >= {FirstId} AND id < {FirstId + (Transactions * PerTransaction)}", ct);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The distinct quant ids at or above <paramref name="first"/> created on the topic (op c), read until all expected have come or 60 s passed.</summary>
    private async Task<HashSet<int>> QuantIdsOnTopicAsync(string topic, int first, int expected, CancellationToken ct)
    {
        using var registry = new Avro.Registry.SchemaRegistryClient(new Avro.Registry.SchemaRegistryOptions { Url = stack.Endpoints.SchemaRegistry!.Url });
        var deserializer = new Avro.Confluent.AvroDeserializer(registry);
        using var consumer = new Confluent.Kafka.ConsumerBuilder<byte[], byte[]>(new Confluent.Kafka.ConsumerConfig
        {
            BootstrapServers = stack.Endpoints.Kafka.Bootstrap,
            GroupId = Guid.NewGuid().ToString("N"),
            AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var seen = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (seen.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message?.Value is not { } value)
            {
                continue;
            }

            var envelope = (Avro.Generic.GenericRecord)(await deserializer.DeserializeAsync(value, false,
                new Confluent.Kafka.SerializationContext(Confluent.Kafka.MessageComponentType.Value, topic)))!;
            if ((string)envelope["op"]! == "c" && envelope["after"] is Avro.Generic.GenericRecord after && (int)after["id"]! >= first)
            {
                seen.Add((int)after["id"]!);
            }
        }

        ct.ThrowIfCancellationRequested();
        return seen;
    }

    private async Task<(string Sku, int Product, int Location, string Warehouse)> PickAsync(CancellationToken ct)
    {
        await using var odoo = new NpgsqlConnection(stack.Endpoints.Postgres.Odoo);
        await odoo.OpenAsync(ct);
        await using var pick = new NpgsqlCommand(
            """
            SELECT pp.default_code, pp.id, w.lot_stock_id, w.name FROM product_product pp
            JOIN product_template pt ON pt.id = pp.product_tmpl_id, stock_warehouse w
            WHERE pt.type = 'product' AND pp.default_code IS NOT NULL AND w.code = 'WH' ORDER BY pp.id LIMIT 1
            """, odoo);
        await using var reader = await pick.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3));
    }

    private static async Task<JsonNode> SimLevelAsync(string url, string sku, string warehouse, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        return (await http.GetFromJsonAsync<JsonArray>($"/_sim/inventory?sku={Uri.EscapeDataString(sku)}", ct))!
            .Single(l => l!["locationName"]!.GetValue<string>() == warehouse)!;
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var odoo = new NpgsqlConnection(stack.Endpoints.Postgres.Odoo);
        await odoo.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, odoo);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Polls the simulator until the condition holds (the pipeline is asynchronous; this waits on its result).</summary>
    private static Task<JsonNode> EventuallyAsync(Func<Task<JsonNode>> read, Func<JsonNode, bool> condition, CancellationToken ct) =>
        Eventually.UntilAsync(read, condition, value => $"The simulator still shows {value.ToJsonString()}", ct);
}
