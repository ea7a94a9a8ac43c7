using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.Orders.Writer;
using CdcBridge.Testing;
using static CdcBridge.Orders.Tests.Writer.WriterScope;

namespace CdcBridge.Orders.Tests.Writer;

/// <summary>The writer through Odoo's bad moments: lost concurrency races and downtime end in one order, never two or none.</summary>
public sealed class OdooOrderWriterFaultTests(RegistryInfrastructure fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serialization_failures_during_a_write_are_retried_and_the_order_is_written_once()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var orderId = NewOrderId();
        var writer = scope.Writer();
        scope.Odoo.Simulator.InjectFaults(new OdooSimFaults { SerializationFailures = 4 });

        var outcome = await writer.WriteAsync(Order(orderId, "retry@example.com", [Line(1, sku, 2, 10m)]), Ct);

        outcome.State.Should().Be("sale");
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(1);
        scope.Odoo.Simulator.Requests().Count(r => r.Outcome == "error:" + OdooRpcException.SerializationFailureName).Should().Be(4);
    }

    [Fact]
    public async Task A_write_made_while_odoo_is_down_completes_once_odoo_is_back_with_one_order()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var orderId = NewOrderId();
        var writer = scope.Writer(scope.Odoo.Options() with
        {
            MaxAttempts = 40,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(300),
        });
        scope.Odoo.Simulator.InjectFaults(new OdooSimFaults { Down = new OdooDownFault(1.5) });

        var outcome = await writer.WriteAsync(Order(orderId, "down@example.com", [Line(1, sku, 1, 10m)]), Ct);

        outcome.Should().BeEquivalentTo(new { State = "sale", Created = true });
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(1);
        var log = scope.Odoo.Simulator.Requests();
        log.Should().Contain(r => r.Outcome == "down:502");
        log.SkipWhile(r => r.Outcome == "down:502").Should().OnlyContain(r => r.Outcome == "ok");
    }

    [Fact]
    public async Task Odoo_down_for_longer_than_the_retries_is_a_transient_failure_and_the_next_attempt_writes_the_order()
    {
        await using var scope = await StartAsync(fixture, Ct);
        var sku = (await scope.Odoo.SkusAsync(1, Ct))[0];
        var orderId = NewOrderId();
        var order = Order(orderId, "later@example.com", [Line(1, sku, 1, 10m)]);
        var writer = scope.Writer(scope.Odoo.Options() with { MaxAttempts = 3 });
        scope.Odoo.Simulator.InjectFaults(new OdooSimFaults { Down = new OdooDownFault(600, "reset") });

        var act = () => writer.WriteAsync(order, Ct);

        (await act.Should().ThrowAsync<OrderWriteException>()).Which.IsPermanent.Should().BeFalse();
        (await scope.Odoo.RequestsAsync(3, Ct)).Should().HaveCount(3).And.OnlyContain(r => r.Outcome == "down:reset");
        scope.Odoo.Simulator.ClearFaults();
        (await writer.WriteAsync(order, Ct)).State.Should().Be("sale");
        (await scope.OrdersWithOriginAsync(orderId, Ct)).Should().Be(1);
    }
}
