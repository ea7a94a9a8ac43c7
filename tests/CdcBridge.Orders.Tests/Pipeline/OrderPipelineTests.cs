using System.Net;
using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.Orders.Intake;
using CdcBridge.Orders.Ledger;
using CdcBridge.Orders.Tests.Intake;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.Orders.Tests.Pipeline;

/// <summary>
/// Webhook → intake topic → ledger → Odoo, with the real receiver, broker, projection runner, dispatcher, writer and Odoo
/// simulator: every order once in Odoo whatever Shopify's deliveries, the writer's crashes or Odoo's outages do.
/// </summary>
public sealed class OrderPipelineTests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_webhook_becomes_one_confirmed_odoo_order_and_its_stages_received_written_confirmed()
    {
        await using var pipeline = await OrderPipeline.StartAsync(fixture);
        var skus = await pipeline.Odoo.SkusAsync(2, Ct);
        var id = OrderPipeline.NewOrderId();

        var answer = await pipeline.Intake.PostAsync(OrderPipeline.Order(id, [(skus[0], 2), (skus[1], 1)], DateTimeOffset.UtcNow), Guid.NewGuid().ToString());
        answer.Status.Should().Be(HttpStatusCode.OK);

        var entry = await pipeline.LedgerStatusAsync(id, OrderStatus.Written);
        var orders = await pipeline.OdooOrdersAsync(id);
        orders.Should().ContainSingle().Which.Should().Be((entry.OdooSaleOrderId!.Value, "sale", OrderPipeline.NameOf(id)));
        var lines = await pipeline.Odoo.RowsAsync(
            "SELECT pp.default_code, sol.product_uom_qty FROM sale_order_line sol JOIN product_product pp ON pp.id = sol.product_id WHERE sol.order_id = $1 AND pp.default_code = ANY($2) ORDER BY pp.default_code",
            Ct, orders[0].Id, skus.ToArray());
        lines.Select(l => ((string)l[0]!, (decimal)l[1]!)).Should().BeEquivalentTo([(skus[0], 2m), (skus[1], 1m)]);

        var stages = await pipeline.StagesAsync(id);
        stages.Select(s => s.Stage).Should().Equal("RECEIVED", "WRITTEN", "CONFIRMED");
        stages.Should().OnlyContain(s => s.Key == $"{IntakeHarness.Shop}:{id}");
        stages[1].SaleOrderId.Should().Be(orders[0].Id);
        stages[2].Attempts.Should().Be(1);
    }

    [Fact]
    public async Task The_same_webhook_three_times_concurrently_and_two_later_updates_make_one_odoo_order()
    {
        await using var pipeline = await OrderPipeline.StartAsync(fixture);
        var sku = (await pipeline.Odoo.SkusAsync(1, Ct))[0];
        var id = OrderPipeline.NewOrderId();
        var created = DateTimeOffset.UtcNow;
        var body = OrderPipeline.Order(id, [(sku, 1)], created);
        var webhookId = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => pipeline.Intake.PostAsync(body, webhookId)));
        answers.Should().OnlyContain(a => a.Status == HttpStatusCode.OK);
        // orders/updated deliveries of the same order (their own webhook ids), one of them older than the create.
        (await pipeline.Intake.PostAsync(OrderPipeline.Order(id, [(sku, 1)], created.AddSeconds(5)), Guid.NewGuid().ToString(), ChannelOrderSchema.OrdersUpdated))
            .Status.Should().Be(HttpStatusCode.OK);
        (await pipeline.Intake.PostAsync(OrderPipeline.Order(id, [(sku, 1)], created.AddSeconds(-5)), Guid.NewGuid().ToString(), ChannelOrderSchema.OrdersUpdated))
            .Status.Should().Be(HttpStatusCode.OK);

        await pipeline.LedgerStatusAsync(id, OrderStatus.Written);
        pipeline.Intake.RecordCount().Should().Be(3, "one record per distinct delivery");
        (await pipeline.OdooOrdersAsync(id)).Should().ContainSingle();
        (await pipeline.StagesAsync(id)).Count(s => s.Stage == "RECEIVED").Should().Be(1);
    }

    [Fact]
    public async Task Writer_killed_between_create_and_confirm_leaves_one_confirmed_order_after_restart()
    {
        await using var pipeline = await OrderPipeline.StartAsync(fixture);
        var sku = (await pipeline.Odoo.SkusAsync(1, Ct))[0];
        var id = OrderPipeline.NewOrderId();

        // A slow Odoo leaves time to stop the writer once the order exists and before it is confirmed.
        pipeline.Odoo.Simulator.InjectFaults(new OdooSimFaults { LatencyMs = 700 });
        (await pipeline.Intake.PostAsync(OrderPipeline.Order(id, [(sku, 1)], DateTimeOffset.UtcNow), Guid.NewGuid().ToString())).Status.Should().Be(HttpStatusCode.OK);
        var draft = await OrderPipeline.EventuallyAsync(() => pipeline.OdooOrdersAsync(id), o => o.Count > 0, "the order created in Odoo");
        await pipeline.StopDispatcherAsync();
        draft.Should().ContainSingle().Which.State.Should().Be("draft", "the writer was stopped between the create and the confirmation");
        (await pipeline.LedgerAsync(id))!.Status.Should().Be(OrderStatus.Pending, "the ledger records nothing before the order is confirmed");

        pipeline.Odoo.Simulator.ClearFaults();
        pipeline.StartDispatcher();
        await pipeline.LedgerStatusAsync(id, OrderStatus.Written);
        (await pipeline.OdooOrdersAsync(id)).Should().ContainSingle().Which.State.Should().Be("sale");
    }

    [Fact]
    public async Task Unknown_sku_is_parked_with_its_reason_and_written_once_replayed_after_the_fix()
    {
        await using var pipeline = await OrderPipeline.StartAsync(fixture);
        var sku = (await pipeline.Odoo.SkusAsync(1, Ct))[0];
        var id = OrderPipeline.NewOrderId();
        const string Unknown = "NOT-IN-ODOO-7";

        (await pipeline.Intake.PostAsync(OrderPipeline.Order(id, [(sku, 1), (Unknown, 2)], DateTimeOffset.UtcNow), Guid.NewGuid().ToString()))
            .Status.Should().Be(HttpStatusCode.OK);
        var parked = await pipeline.LedgerStatusAsync(id, OrderStatus.Parked);
        parked.ParkReason.Should().Contain(Unknown);
        (await pipeline.OdooOrdersAsync(id)).Should().BeEmpty();
        (await pipeline.StagesAsync(id)).Should().Contain(s => s.Stage == "PARKED" && s.ParkReason!.Contains(Unknown));

        // The operator fixes Odoo (the SKU now exists: an unsold product gets it as its Internal Reference) and replays.
        var spare = (await pipeline.Odoo.SkusAsync(5, Ct)).Last();
        await ExecuteAsync(pipeline.Odoo.ConnectionString, $"UPDATE product_product SET default_code = '{Unknown}' WHERE default_code = '{spare}'");
        await using (var connection = new NpgsqlConnection(pipeline.Sidecar))
        {
            await connection.OpenAsync(Ct);
            (await ChannelOrderLedger.ReplayAsync(connection, [OrderPipeline.NameOf(id)], DateTime.UtcNow, Ct)).Should().Be(1);
        }

        await pipeline.LedgerStatusAsync(id, OrderStatus.Written);
        (await pipeline.OdooOrdersAsync(id)).Should().ContainSingle().Which.State.Should().Be("sale");
    }

    [Fact]
    public async Task Odoo_down_for_a_minute_then_up_loses_no_order_and_doubles_none()
    {
        // The issue's outage, a whole minute (Odoo restarting, a deploy): far longer than the client's own retries, so
        // only the dispatcher's ledger-driven retries can carry the orders through it.
        var outage = TimeSpan.FromMinutes(1);
        await using var pipeline = await OrderPipeline.StartAsync(fixture);
        var skus = await pipeline.Odoo.SkusAsync(3, Ct);
        var before = pipeline.Odoo.Simulator.Requests();
        var since = before.Count == 0 ? 0 : before[^1].Seq;
        // Taken just before: the simulator's outage ends no earlier than downAt + outage.
        var downAt = DateTimeOffset.UtcNow;
        pipeline.Odoo.Simulator.InjectFaults(new OdooSimFaults { Down = new OdooDownFault(outage.TotalSeconds) });
        var ids = skus.Select(_ => OrderPipeline.NewOrderId()).ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            // Webhooks are accepted while Odoo is down: the intake does not depend on it.
            (await pipeline.Intake.PostAsync(OrderPipeline.Order(ids[i], [(skus[i], 1)], DateTimeOffset.UtcNow), Guid.NewGuid().ToString()))
                .Status.Should().Be(HttpStatusCode.OK);
        }

        foreach (var id in ids)
        {
            await Eventually.UntilAsync(() => pipeline.LedgerAsync(id), e => e?.Status == OrderStatus.Written, e => $"order {id}: still {e?.Status ?? "not in the ledger"}",
                Ct, timeout: outage + TimeSpan.FromSeconds(60));
            (await pipeline.OdooOrdersAsync(id)).Should().ContainSingle().Which.State.Should().Be("sale");
        }

        var requests = pipeline.Odoo.Simulator.Requests(since);
        var refused = requests.Where(r => r.Outcome.StartsWith("down:", StringComparison.Ordinal)).ToList();
        refused.Should().NotBeEmpty();
        refused.Max(r => r.At).Should().BeOnOrAfter(downAt + outage - TimeSpan.FromSeconds(10), "the writer kept trying to the end of the outage, not once at its start");
        requests.Where(r => r.Outcome == "ok" && r.Model == "sale.order").Min(r => r.At).Should().BeOnOrAfter(downAt + outage,
            "no order reached Odoo before it was up again");
        pipeline.Dispatcher!.Retries.Should().BePositive("the writer met the outage and retried");
    }

    [Fact]
    public async Task An_order_cancelled_before_it_is_written_is_never_created_in_odoo_whatever_the_delivery_order()
    {
        await using var pipeline = await OrderPipeline.StartAsync(fixture, startDispatcher: false);
        var sku = (await pipeline.Odoo.SkusAsync(1, Ct))[0];
        var cancelFirst = OrderPipeline.NewOrderId();
        var createFirst = OrderPipeline.NewOrderId();
        var created = DateTimeOffset.UtcNow;

        // Shopify delivers unordered: one order's cancellation comes before its (older) create, the other's after it.
        await PostAsync(cancelFirst, created.AddMinutes(1), cancelled: true);
        await PostAsync(cancelFirst, created, cancelled: false);
        await PostAsync(createFirst, created, cancelled: false);
        await PostAsync(createFirst, created.AddMinutes(1), cancelled: true);
        foreach (var id in new[] { cancelFirst, createFirst })
        {
            await OrderPipeline.EventuallyAsync(async () => (await pipeline.LedgerAsync(id)) is { } e && e.UpdatedAt > created.UtcDateTime.AddSeconds(30),
                done => done, $"order {id}'s cancellation in the ledger");
        }

        pipeline.Intake.RecordCount().Should().Be(4);
        pipeline.StartDispatcher();
        var other = OrderPipeline.NewOrderId();
        await PostAsync(other, created, cancelled: false);
        await pipeline.LedgerStatusAsync(other, OrderStatus.Written); // the writer has run past the cancelled orders

        foreach (var id in new[] { cancelFirst, createFirst })
        {
            (await pipeline.LedgerAsync(id))!.Status.Should().Be(OrderStatus.Skipped);
            (await pipeline.OdooOrdersAsync(id)).Should().BeEmpty();
            (await pipeline.StagesAsync(id)).Select(s => s.Stage).Should().Equal("RECEIVED", "CANCELLED");
        }

        async Task PostAsync(long id, DateTimeOffset updatedAt, bool cancelled) =>
            (await pipeline.Intake.PostAsync(OrderPipeline.Order(id, [(sku, 1)], updatedAt, cancelled), Guid.NewGuid().ToString(),
                cancelled ? ChannelOrderSchema.OrdersCancelled : ChannelOrderSchema.OrdersCreate)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_order_cancelled_after_confirmation_is_cancelled_in_odoo()
    {
        await using var pipeline = await OrderPipeline.StartAsync(fixture);
        var sku = (await pipeline.Odoo.SkusAsync(1, Ct))[0];
        var id = OrderPipeline.NewOrderId();
        var created = DateTimeOffset.UtcNow;
        (await pipeline.Intake.PostAsync(OrderPipeline.Order(id, [(sku, 1)], created), Guid.NewGuid().ToString())).Status.Should().Be(HttpStatusCode.OK);
        await pipeline.LedgerStatusAsync(id, OrderStatus.Written);

        (await pipeline.Intake.PostAsync(OrderPipeline.Order(id, [(sku, 1)], created.AddMinutes(2), cancelled: true), Guid.NewGuid().ToString(), ChannelOrderSchema.OrdersCancelled))
            .Status.Should().Be(HttpStatusCode.OK);
        await pipeline.LedgerStatusAsync(id, OrderStatus.Cancelled);
        (await pipeline.OdooOrdersAsync(id)).Should().ContainSingle().Which.State.Should().Be("cancel");
        (await pipeline.StagesAsync(id)).Select(s => s.Stage).Should().Equal("RECEIVED", "WRITTEN", "CONFIRMED", "CANCELLED");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
