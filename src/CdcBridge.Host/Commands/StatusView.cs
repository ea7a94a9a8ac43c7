using System.Globalization;
using CdcBridge.DevStack;
using CdcBridge.DevStack.Demo;
using CdcBridge.Host.Sidecar;
using Confluent.Kafka;
using Npgsql;

namespace CdcBridge.Host.Commands;

/// <summary>The live status line of <c>make run</c>: Odoo's stock as the database holds it and the broker's health.</summary>
internal static class StatusView
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(EmbeddedStack stack, AvailabilitySidecar sidecar, OrdersSidecar? orders, DemoWorkload? demo, bool live, CancellationToken ct)
    {
        if (!live)
        {
            await Task.Delay(Timeout.Infinite, ct);
            return;
        }

        Console.WriteLine(demo is null
            ? "Live status every 5 s. Press Ctrl+C to stop."
            : "Live status every 5 s, with a demo workload changing Odoo's stock and placing Shopify orders (--demo-rate 0 turns it off). Press Ctrl+C to stop.");
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = stack.Kafka.BootstrapServers }).Build();
        using var timer = new PeriodicTimer(Interval);
        var previousEvents = sidecar.Runner.Status.Events;
        do
        {
            Console.WriteLine(await SnapshotAsync(stack, admin, ct));
            var events = sidecar.Runner.Status.Events;
            Console.WriteLine(await SidecarLineAsync(sidecar, (events - previousEvents) / Interval.TotalSeconds, ct));
            if (orders is not null)
            {
                Console.WriteLine(await OrdersLineAsync(orders, ct));
            }

            if (demo?.Counts is { } counts)
            {
                Console.WriteLine($"          demo: {counts.Receipts} receipts, {counts.OdooOrders} phone orders, {counts.Reservations} reservations, {counts.Deliveries} deliveries in Odoo; {counts.ShopifyOrders} Shopify orders");
            }

            previousEvents = events;
        }
        while (await timer.WaitForNextTickAsync(ct));
    }

    /// <summary>The sidecar's line: projection rate and lag, outbox depth, Shopify calls, cost, throttling, latency.</summary>
    internal static async Task<string> SidecarLineAsync(AvailabilitySidecar sidecar, double eventsPerSecond, CancellationToken ct)
    {
        var projection = sidecar.Runner.Status;
        var depth = (await sidecar.OutboxDepthAsync(ct)).Values.Sum();
        var shopify = string.Join("; ", sidecar.Dispatchers.Zip(sidecar.Clients).Select(pair =>
        {
            var (dispatcher, client) = pair;
            var d = dispatcher.Status;
            var c = client.Snapshot();
            var latency = d.LastCommitToShopifyMilliseconds is { } ms ? $"{ms:0} ms" : "-";
            return string.Create(CultureInfo.InvariantCulture,
                $"{d.ShopDomain}: {c.Calls} calls, cost {c.CostUsed:0}, bucket {c.EstimatedAvailableNow:0}, throttled {c.Throttled}, set {d.QuantitiesSet}, stale {d.StaleRetries}, parked {d.Parked}, last commit→Shopify {latency}");
        }));
        if (projection.Halted)
        {
            return $"          availability: HALTED: {projection.LastError}";
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"          availability: {projection.Events} events ({eventsPerSecond:0}/s), lag {projection.Lag}, parked {projection.Parked}, {sidecar.Projector.ValuesChanged} values changed | outbox {depth} | shopify {shopify}");
    }

    /// <summary>The Orders room's line: orders per ledger status and the writer's Odoo requests.</summary>
    internal static async Task<string> OrdersLineAsync(OrdersSidecar orders, CancellationToken ct)
    {
        var counts = await orders.CountsAsync(ct);
        var odoo = orders.Odoo;
        var dispatcher = orders.Dispatcher;
        return string.Create(CultureInfo.InvariantCulture,
            $"          orders: {counts.GetValueOrDefault("pending")} pending, {counts.GetValueOrDefault("written")} written, {counts.GetValueOrDefault("cancelled")} cancelled, {counts.GetValueOrDefault("skipped")} skipped, {counts.GetValueOrDefault("parked")} parked | odoo writer: {odoo.RequestsSent} requests, {odoo.Retries} retries, {dispatcher.InFlight} orders in flight{(dispatcher.LastError is { } e ? ", last error: " + e : "")}");
    }

    internal static async Task<string> SnapshotAsync(EmbeddedStack stack, IAdminClient admin, CancellationToken ct)
    {
        var now = DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        string odoo;
        try
        {
            await using var connection = new NpgsqlConnection(stack.Endpoints.Postgres.Odoo);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                """
                SELECT count(*), coalesce(sum(quantity), 0), coalesce(sum(reserved_quantity), 0), pg_current_wal_lsn()::text,
                       (SELECT coalesce(confirmed_flush_lsn::text, '-') FROM pg_replication_slots WHERE slot_name = $1),
                       (SELECT coalesce(pg_current_wal_lsn() - confirmed_flush_lsn, 0) FROM pg_replication_slots WHERE slot_name = $1)
                FROM stock_quant
                """, connection)
            { Parameters = { new() { Value = Debezium.CaptureSettings.Odoo.SlotName } } };
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var confirmed = await reader.IsDBNullAsync(4, ct) ? "-" : reader.GetString(4);
            var lagBytes = await reader.IsDBNullAsync(5, ct) ? 0m : reader.GetDecimal(5);
            odoo = string.Create(CultureInfo.InvariantCulture,
                $"odoo: {reader.GetInt64(0)} quants, on hand {reader.GetDecimal(1):0}, reserved {reader.GetDecimal(2):0}, WAL {reader.GetString(3)} | capture: {stack.Capture?.EventsCaptured ?? 0} events, slot confirmed {confirmed}, {lagBytes:0} bytes behind{stack.Capture?.Remark}");
        }
        catch (NpgsqlException e)
        {
            odoo = $"odoo: unreachable ({e.Message})";
        }

        string kafka;
        try
        {
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(2));
            kafka = $"kafka: {metadata.Brokers.Count} brokers, {metadata.Topics.Count(t => !t.Topic.StartsWith("__", StringComparison.Ordinal))} topics";
        }
        catch (KafkaException e)
        {
            kafka = $"kafka: unreachable ({e.Error.Reason})";
        }

        return $"{now}  {odoo} | {kafka}";
    }
}
