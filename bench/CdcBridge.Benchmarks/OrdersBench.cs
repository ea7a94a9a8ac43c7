using System.Diagnostics;
using System.Globalization;
using CdcBridge.Benchmarks.Orders;
using CdcBridge.DevStack.Odoo;
using CdcBridge.DevStack.Odoo.Simulator;
using CdcBridge.Orders;
using CdcBridge.Orders.Dispatch;
using CdcBridge.Orders.Odoo;

namespace CdcBridge.Benchmarks;

/// <summary>What the orders bench runs; the defaults keep it at about three minutes.</summary>
internal sealed record OrdersBenchOptions
{
    public int Products { get; init; } = 500;

    /// <summary>SKUs the orders draw their lines from: each with at least <see cref="MinimumStock"/> units free in the shipping warehouse.</summary>
    public int StockedSkus { get; init; } = 40;

    public decimal MinimumStock { get; init; } = 40;

    public int AcceptWarmup { get; init; } = 200;

    public int SequentialDeliveries { get; init; } = 1_000;

    public int ConcurrentClients { get; init; } = 16;

    public int ConcurrentDeliveries { get; init; } = 4_000;

    /// <summary>The writer's Odoo client: 20 requests/s, and the shipped defaults for burst and in-flight (OdooConnectionOptions).</summary>
    public double OdooRequestsPerSecond { get; init; } = 20;

    public int OdooBurst { get; init; } = 5;

    public int OdooMaxInFlight { get; init; } = 4;

    /// <summary>The dispatcher's orders in hand (its shipped default).</summary>
    public int MaxConcurrentOrders { get; init; } = 4;

    /// <summary>
    /// Paced runs, each drained before the next. At 20 requests/s the writer confirms only a few orders a second, so a
    /// run's orders take (orders × requests per order / 20) s to drain: the durations are what fits the time budget.
    /// 2/s is below that cap (the latency of an order nobody queues behind); 10/s and 50/s build backlogs.
    /// </summary>
    public IReadOnlyList<(double Rate, TimeSpan Duration)> Runs { get; init; } =
        [(2, TimeSpan.FromSeconds(10)), (10, TimeSpan.FromSeconds(8)), (50, TimeSpan.FromSeconds(5))];
}

/// <summary>
/// The Orders room's figures: (1) webhook accept latency and throughput, client-measured on loopback; (2) webhook →
/// confirmed Odoo order latency at fixed rates with the writer throttled to 20 Odoo requests/s; (3) the writer's use of
/// that budget under a backlog, from the Odoo simulator's request log; (4) every accepted order exactly once in Odoo.
/// </summary>
internal static class OrdersBench
{
    private const string AcceptTopic = "bench.orders.accept";

    public static async Task RunAsync(OrdersBenchOptions options)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = cts.Token;
        var total = Stopwatch.StartNew();
        await using var rig = await OrdersRig.StartAsync(new SeedOptions { Products = options.Products, Seed = 7 }, ct);
        var startedIn = total.Elapsed;
        var skus = await rig.StockedSkusAsync(options.StockedSkus, options.MinimumStock, ct);
        var deliveries = new ShopifyDeliveries(skus);

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Orders, Shopify webhook → Odoo sale order (embedded: PostgreSQL 15, 3-broker mock Kafka, registry, Odoo simulator on loopback; {Environment.ProcessorCount} cores)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  up in {startedIn.TotalSeconds:0.0} s; seed {options.Products:N0} products; bodies: Shopify's orders/create sample ({deliveries.SampleBytes / 1024.0:0.0} KB) with 1–3 lines of {skus.Count} SKUs"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  with ≥ {options.MinimumStock:0} units free in the shipping warehouse, and a new buyer per order (partner and address contacts created in Odoo)"));
        Console.WriteLine($"  machine load average (1, 5, 15 min) at the start: {LoadAverage()}; the bench shares its cores with everything else running");

        var accept = await AcceptAsync(rig, deliveries, options, ct);

        var server = await rig.StartWebhooksAsync(OrdersRoom.IntakeTopic, ct);
        await rig.StartPipelineAsync(OrdersRoom.IntakeTopic, new OdooConnectionOptions
        {
            Url = new Uri(rig.Simulator.Url),
            Database = rig.Simulator.Database,
            Login = rig.Simulator.Login,
            Password = rig.Simulator.Password,
            RequestsPerSecond = options.OdooRequestsPerSecond,
            Burst = options.OdooBurst,
            MaxInFlight = options.OdooMaxInFlight,
        }, new OdooOrderDispatcherOptions { MaxConcurrentOrders = options.MaxConcurrentOrders }, ct);
        using var poster = new WebhookPoster(new Uri(server.Url + "/shopify"));
        using var races = new WriterRaces();

        // Warm-up: JIT, the client's login and the company currency (read once per writer) are not an order's cost.
        var warmup = await PipelineRunAsync(rig, poster, races, deliveries, 2, TimeSpan.FromSeconds(1.5), options, ct);
        var runs = new List<PipelineRun>();
        foreach (var (rate, duration) in options.Runs)
        {
            runs.Add(await PipelineRunAsync(rig, poster, races, deliveries, rate, duration, options, ct));
        }

        var shop = await OrdersRig.RowsAsync(rig.Odoo,
            "SELECT count(*)::int, count(DISTINCT origin)::int FROM sale_order WHERE origin LIKE $1", ct, $"shopify:{ShopifyDeliveries.Shop}:%");
        var acceptedInPipeline = warmup.Accepted + runs.Sum(r => r.Accepted);

        PrintAccept(accept, runs);
        PrintLatency(runs, options);
        PrintUtilisation(runs, options);
        PrintExactlyOnce(runs, acceptedInPipeline, (int)shop[0][0]!, (int)shop[0][1]!);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (orders bench took {total.Elapsed.TotalSeconds:0} s; load average at the end: {LoadAverage()})"));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    // ---------------------------------------------------------------- 1. webhook accept

    private sealed record AcceptRow(string Mode, int Deliveries, int Accepted, double PerSecond, Latencies Latency, Latencies Receiver);

    private sealed record AcceptResult(AcceptRow Sequential, AcceptRow Concurrent, Latencies KafkaAck, Latencies DeliveryLog, Latencies WakeLate, long OnTopic,
        int Expected, TimeSpan GcPause, int Collections);

    /// <summary>Its own receiver on a topic nothing projects: thousands of orders here must not reach the writer.</summary>
    private static async Task<AcceptResult> AcceptAsync(OrdersRig rig, ShopifyDeliveries deliveries, OrdersBenchOptions options, CancellationToken ct)
    {
        var server = await rig.StartWebhooksAsync(AcceptTopic, ct);
        using var poster = new WebhookPoster(new Uri(server.Url + "/shopify"));
        using var receiver = new ReceiverTimes();
        var accepted = 0;
        foreach (var delivery in deliveries.Next(options.AcceptWarmup))
        {
            accepted += (await poster.PostAsync(delivery, ct)).Accepted ? 1 : 0; // JIT, connection pools, the schema's registration
        }

        receiver.Take();
        var pause = GC.GetTotalPauseDuration();
        var collections = GC.CollectionCount(0);
        var sequential = deliveries.Next(options.SequentialDeliveries);
        var answers = new List<Posted>(sequential.Count);
        TimeSpan elapsedSequential;
        Latencies wakeLate;
        using (var wake = new WakeLateness())
        {
            var clock = Stopwatch.StartNew();
            foreach (var delivery in sequential)
            {
                answers.Add(await poster.PostAsync(delivery, ct));
            }

            elapsedSequential = clock.Elapsed;
            wakeLate = wake.Stop();
        }

        var sequentialRow = Row("(a) sequential, 1 client", answers, elapsedSequential, receiver.Take());
        var (concurrentAnswers, elapsed) = await poster.ConcurrentAsync(deliveries.Next(options.ConcurrentDeliveries), options.ConcurrentClients, ct);
        var concurrentRow = Row(string.Create(CultureInfo.InvariantCulture, $"(b) {options.ConcurrentClients} concurrent clients"), concurrentAnswers, elapsed, receiver.Take());
        pause = GC.GetTotalPauseDuration() - pause;
        collections = GC.CollectionCount(0) - collections;

        rig.CreateTopic(AcceptTopic + ".probe", 3);
        var kafka = await KafkaAckProbe.MeasureAsync(rig.KafkaBootstrap, AcceptTopic + ".probe", sequential[0].Body, options.SequentialDeliveries, ct);
        var deliveryLog = await DeliveryLogProbe.MeasureAsync(rig.Sidecar, options.SequentialDeliveries, ct);
        return new AcceptResult(sequentialRow, concurrentRow, kafka, deliveryLog, wakeLate, rig.RecordCount(AcceptTopic),
            accepted + sequentialRow.Accepted + concurrentRow.Accepted, pause, collections);
    }

    private static AcceptRow Row(string mode, List<Posted> answers, TimeSpan elapsed, Latencies receiver) =>
        new(mode, answers.Count, answers.Count(a => a.Accepted), answers.Count / elapsed.TotalSeconds, new Latencies(answers.Select(a => a.AcceptMs)), receiver);

    private static void PrintAccept(AcceptResult accept, List<PipelineRun> runs)
    {
        Console.WriteLine();
        Console.WriteLine("  1. webhook accept: client-measured signed POST → 200 read, on loopback (HMAC, payload → Avro, dedupe row in PostgreSQL, Kafka ack);");
        Console.WriteLine("     receiver = the same deliveries by the receiver's own histogram (arrival → answer decided), p50 / p99");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"",-34} {"deliveries",10} {"accepted",9} {"accepts/s",10} {"p50",8} {"p99",8} {"max",8} {"receiver",17}  goal"));
        var s = accept.Sequential;
        var c = accept.Concurrent;
        foreach (var (row, goal) in new[]
        {
            (s, $"p99 ≤ 20 ms: {Met(s.Latency.Percentile(0.99) <= 20 && s.Accepted == s.Deliveries)}"),
            (c, $"≥ 500 accepts/s: {Met(c.PerSecond >= 500 && c.Accepted == c.Deliveries)}"),
        })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {row.Mode,-34} {row.Deliveries,10:N0} {row.Accepted,9:N0} {row.PerSecond,10:N0} {row.Latency.Format(0.5),8} {row.Latency.Format(0.99),8} {Latencies.Ms(row.Latency.Max),8} {$"{row.Receiver.Format(0.5)} / {row.Receiver.Format(0.99)}",17}  {goal}"));
        }

        foreach (var run in runs)
        {
            var latency = new Latencies(run.Answers.Select(a => a.AcceptMs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {$"(c) paced {run.Rate:0}/s, pipeline running",-34} {run.Answers.Count,10:N0} {run.Accepted,9:N0} {"–",10} {latency.Format(0.5),8} {latency.Format(0.99),8} {Latencies.Ms(latency.Max),8}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     the receiver's two round trips alone, {accept.KafkaAck.Count:N0} sequential each (p50 / p99, max): Kafka produce → ack with the intake producer's settings"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     and records of the body's size {accept.KafkaAck.Format(0.5)} / {accept.KafkaAck.Format(0.99)}, {Latencies.Ms(accept.KafkaAck.Max)}; the delivery log's transaction (lock, check, insert, commit) {accept.DeliveryLog.Format(0.5)} / {accept.DeliveryLog.Format(0.99)}, {Latencies.Ms(accept.DeliveryLog.Max)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     during (a) a thread sleeping 1 ms woke late by {accept.WakeLate.Format(0.5)} / {accept.WakeLate.Format(0.99)}, max {Latencies.Ms(accept.WakeLate.Max)} (the cores' scheduling delay, met at each wake-up of an accept)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     GC during (a) and (b): {accept.Collections} collections, {accept.GcPause.TotalMilliseconds:0} ms paused; records on the accept topic: {accept.OnTopic:N0} for {accept.Expected:N0} accepted deliveries (warm-up included)"));
    }

    // ---------------------------------------------------------------- 2. webhook → confirmed in Odoo

    /// <summary>A paced run: its answers, its orders in the ledger and Odoo, and the Odoo requests it cost.</summary>
    private sealed record PipelineRun(
        double Rate,
        TimeSpan Duration,
        double Achieved,
        List<Posted> Answers,
        int Accepted,
        int Written,
        TimeSpan DrainedIn,
        Latencies EndToEnd,
        Latencies Queue,
        Latencies Write,
        IReadOnlyList<OdooSimRequest> Requests,
        OdooClientSnapshot ClientDelta,
        long DispatcherRetries,
        long LostRaces,
        Utilisation? Busy,
        OdooCheck Odoo)
    {
        public double RequestsPerOrder => Written == 0 ? double.NaN : Requests.Count / (double)Written;
    }

    /// <summary>The writer's requests while it had a backlog: from the run's first request until only the last orders in hand remained.</summary>
    private sealed record Utilisation(DateTime From, DateTime To, int Requests, int Orders)
    {
        public double Seconds => (To - From).TotalSeconds;

        public double PerSecond => Requests / Seconds;
    }

    private sealed record OdooCheck(int Orders, int Missing, int Duplicated, int NotConfirmed, int MovesReserved, int Moves);

    private static async Task<PipelineRun> PipelineRunAsync(OrdersRig rig, WebhookPoster poster, WriterRaces races, ShopifyDeliveries deliveries, double rate,
        TimeSpan duration, OrdersBenchOptions options, CancellationToken ct)
    {
        var batch = deliveries.Next((int)Math.Round(rate * duration.TotalSeconds));
        var log = rig.Simulator.Requests();
        var seq = log.Count == 0 ? 0 : log[^1].Seq;
        var client = rig.OdooClient.Snapshot();
        var retries = rig.Dispatcher!.Retries;
        var racesBefore = races.Count;
        var clock = Stopwatch.StartNew();
        var answers = await poster.PacedAsync(batch, rate, ct);
        var achieved = (answers.Count - 1) / Math.Max(1e-9, (answers[^1].SentAt - answers[0].SentAt).TotalSeconds);
        var accepted = answers.Where(a => a.Accepted).Select(a => a.OrderId).ToArray();

        // Drained: every accepted order written (or parked, which a run should never see). The bound allows 12 requests an
        // order at the throttle's rate twice over: only a stuck writer reaches it, and the report then shows the missing orders.
        var timeout = TimeSpan.FromSeconds(30 + (accepted.Length * 12 / options.OdooRequestsPerSecond * 2));
        List<object?[]> ledger;
        while (true)
        {
            ledger = await OrdersRig.RowsAsync(rig.Sidecar,
                "SELECT order_id, status, written_at FROM orders.channel_orders WHERE shop_domain = $1 AND order_id = ANY($2)", ct, ShopifyDeliveries.Shop, accepted);
            if ((ledger.Count == accepted.Length && ledger.All(r => (string)r[1]! is "written" or "parked")) || clock.Elapsed > timeout)
            {
                break;
            }

            await Task.Delay(100, ct);
        }

        var drainedIn = clock.Elapsed;
        var writtenAt = ledger.Where(r => (string)r[1]! == "written").ToDictionary(r => (long)r[0]!, r => (DateTime)r[2]!);
        var requests = rig.Simulator.Requests(seq);
        var now = rig.OdooClient.Snapshot();
        var sentAt = answers.Where(a => a.Accepted).ToDictionary(a => a.OrderId);
        var times = writtenAt.Keys.Select(id => (Id: id, Post: sentAt[id], Times: rig.Writer!.Of(id), Written: writtenAt[id])).ToList();

        Utilisation? busy = null;
        var ordered = writtenAt.Values.Order().ToList();
        var saturatedUntil = ordered.Count - options.MaxConcurrentOrders - 1;
        if (requests.Count > 0 && saturatedUntil > 0)
        {
            var from = requests.Min(r => r.At.UtcDateTime);
            var to = ordered[saturatedUntil];
            busy = new Utilisation(from, to, requests.Count(r => r.At.UtcDateTime >= from && r.At.UtcDateTime <= to), saturatedUntil + 1);
        }

        return new PipelineRun(rate, duration, achieved, answers, accepted.Length, writtenAt.Count, drainedIn,
            new Latencies(times.Select(t => (t.Written - t.Post.SentAt).TotalMilliseconds)),
            new Latencies(times.Where(t => t.Times is not null).Select(t => (t.Times!.Started - t.Post.SentAt).TotalMilliseconds - t.Post.AcceptMs)),
            new Latencies(times.Where(t => t.Times is not null).Select(t => (t.Times!.Finished - t.Times.Started).TotalMilliseconds)),
            requests,
            new OdooClientSnapshot(now.RequestsSent - client.RequestsSent, now.Retries - client.Retries, now.Failures - client.Failures, now.InFlight,
                now.ThrottleWait - client.ThrottleWait, now.LastError),
            rig.Dispatcher.Retries - retries,
            races.Count - racesBefore,
            busy,
            await CheckOdooAsync(rig, accepted, ct));
    }

    /// <summary>Each accepted order's sale orders in Odoo by origin, and the reservations of their make-to-stock moves.</summary>
    private static async Task<OdooCheck> CheckOdooAsync(OrdersRig rig, long[] accepted, CancellationToken ct)
    {
        var origins = accepted.Select(ShopifyDeliveries.Origin).ToArray();
        var rows = await OrdersRig.RowsAsync(rig.Odoo,
            "SELECT origin, count(*)::int, count(*) FILTER (WHERE state = 'sale')::int FROM sale_order WHERE origin = ANY($1) GROUP BY origin", ct, (object)origins);
        var moves = await OrdersRig.RowsAsync(rig.Odoo,
            """
            SELECT count(*) FILTER (WHERE m.state = 'assigned')::int, count(*)::int FROM stock_move m
            JOIN sale_order_line l ON l.id = m.sale_line_id JOIN sale_order so ON so.id = l.order_id
            WHERE so.origin = ANY($1) AND m.procure_method = 'make_to_stock'
            """, ct, (object)origins);
        return new OdooCheck(
            rows.Sum(r => (int)r[1]!),
            origins.Length - rows.Count,
            rows.Count(r => (int)r[1]! > 1),
            rows.Count(r => (int)r[2]! != 1),
            (int)moves[0][0]!,
            (int)moves[0][1]!);
    }

    private static void PrintLatency(List<PipelineRun> runs, OrdersBenchOptions options)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  2. webhook → confirmed in Odoo: POST sent → ledger status 'written' (written_at, after action_confirm), paced open-loop, each run drained before the next;"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     writer's Odoo client {options.OdooRequestsPerSecond:0} requests/s, burst {options.OdooBurst}, {options.OdooMaxInFlight} in flight; dispatcher {options.MaxConcurrentOrders} orders at a time (p50 / p99)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"target/s",8} {"sent/s",7} {"run",5} {"orders",7} {"written",8} {"drained",8} {"webhook → confirmed",20} {"max",8} {"req/order",9} {"orders/s",9}"));
        foreach (var r in runs)
        {
            // Only a backlog shows what the writer can do; below the cap it writes what arrives.
            var throughput = r.Busy is null || r.Rate * r.RequestsPerOrder <= options.OdooRequestsPerSecond ? double.NaN : r.Busy.Orders / r.Busy.Seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Rate,8:0} {r.Achieved,7:0.0} {$"{r.Duration.TotalSeconds:0} s",5} {r.Accepted,7:N0} {r.Written,8:N0} {$"{r.DrainedIn.TotalSeconds:0} s",8} {$"{r.EndToEnd.Format(0.5)} / {r.EndToEnd.Format(0.99)}",20} {Latencies.Ms(r.EndToEnd.Max),8} {r.RequestsPerOrder,9:0.00} {(double.IsNaN(throughput) ? "–" : throughput.ToString("0.00", CultureInfo.InvariantCulture)),9}"));
        }

        Console.WriteLine("     where the time goes (p50 / p99): accept = POST → 200; to writer = 200 → the dispatcher hands it to the writer (intake projection,");
        Console.WriteLine("     then the queue for a dispatcher slot); Odoo = the writer's calls, throttle waits included (the dispatcher stamps written_at as they end)");
        foreach (var r in runs)
        {
            var accept = new Latencies(r.Answers.Where(a => a.Accepted).Select(a => a.AcceptMs));
            var tokenWait = r.ClientDelta.RequestsSent == 0 ? 0 : r.ClientDelta.ThrottleWait.TotalMilliseconds / r.ClientDelta.RequestsSent;
            var served = new Latencies(r.Requests.Select(q => q.DurationMs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     at {r.Rate:0}/s: accept {accept.Format(0.5)} / {accept.Format(0.99)}, to writer {r.Queue.Format(0.5)} / {r.Queue.Format(0.99)}, Odoo {r.Write.Format(0.5)} / {r.Write.Format(0.99)}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"       Odoo requests: simulator serves one in {served.Format(0.5)} / {served.Format(0.99)}, the client waited {tokenWait:0} ms per request for a token on average; retries: {r.ClientDelta.Retries} by the client, {r.DispatcherRetries} by the dispatcher, {r.LostRaces} creates sent again after a concurrency failure"));
        }

        foreach (var r in runs.Where(r => r.Written > 0))
        {
            var perOrder = r.Requests.GroupBy(q => $"{q.Model ?? q.Service}.{q.Method}{(q.Outcome == "ok" ? "" : $" ({q.Outcome})")}")
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count() / (double)r.Written:0.##}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     requests per order at {r.Rate:0}/s (simulator's log, {r.Requests.Count:N0} for {r.Written:N0} orders): {string.Join(", ", perOrder)}"));
        }

        if (runs.FirstOrDefault(r => r.Written > 0) is { } first)
        {
            var ceiling = options.OdooRequestsPerSecond / first.RequestsPerOrder;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     so {options.OdooRequestsPerSecond:0} requests/s caps the writer at {options.OdooRequestsPerSecond:0} / {first.RequestsPerOrder:0.0} = {ceiling:0.0} orders/s: every rate above it builds a backlog, and an order waits about (orders ahead) / {ceiling:0.0} s"));
        }
    }

    // ---------------------------------------------------------------- 3. writer utilisation

    private static void PrintUtilisation(List<PipelineRun> runs, OrdersBenchOptions options)
    {
        Console.WriteLine();
        Console.WriteLine("  3. writer utilisation under backlog: Odoo requests the simulator logged (arrival time) from the run's first request until the");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     last {options.MaxConcurrentOrders} orders were all that was left, ÷ {options.OdooRequestsPerSecond:0}/s (the bucket's {options.OdooBurst} burst tokens allow slightly more than 100 %)"));
        foreach (var r in runs)
        {
            if (r.Busy is not { } busy)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"     at {r.Rate:0}/s: too few orders for a backlog"));
                continue;
            }

            var share = busy.PerSecond / options.OdooRequestsPerSecond;
            var maxInFlight = r.Requests.Count == 0 ? 0 : r.Requests.Max(q => q.InFlight);
            var demand = r.Rate * r.RequestsPerOrder;
            var goal = demand > options.OdooRequestsPerSecond
                ? $"goal ≥ 90 %: {Met(share >= 0.9)}"
                : string.Create(CultureInfo.InvariantCulture, $"(no backlog: the orders ask {demand:0} requests/s, under the {options.OdooRequestsPerSecond:0})");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     at {r.Rate:0}/s: {busy.Requests:N0} requests in {busy.Seconds:0.0} s = {busy.PerSecond:0.00}/s = {100 * share:0.0} % of {options.OdooRequestsPerSecond:0}/s; at most {maxInFlight} in flight at the simulator   {goal}"));
        }
    }

    // ---------------------------------------------------------------- 4. exactly once

    private static void PrintExactlyOnce(List<PipelineRun> runs, int acceptedInPipeline, int shopOrders, int shopOrigins)
    {
        Console.WriteLine();
        Console.WriteLine("  4. every accepted order exactly once in Odoo (sale_order by origin shopify:<shop>:<order id>), confirmed, its stock reserved");
        foreach (var r in runs)
        {
            var o = r.Odoo;
            var ok = o.Missing == 0 && o.Duplicated == 0 && o.NotConfirmed == 0 && r.Written == r.Accepted && r.Accepted == r.Answers.Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     at {r.Rate:0}/s: {r.Answers.Count:N0} sent, {r.Accepted:N0} accepted, {r.Written:N0} written; Odoo holds {o.Orders:N0} sale orders for them: {o.Missing} missing, {o.Duplicated} twice, {o.NotConfirmed} not 'sale'; stock moves reserved {o.MovesReserved:N0} of {o.Moves:N0}   {(ok ? "met" : "NOT met")}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     the shop in all (warm-up included): {acceptedInPipeline:N0} orders accepted, Odoo holds {shopOrders:N0} sale orders with {shopOrigins:N0} distinct origins   {Met(shopOrders == acceptedInPipeline && shopOrigins == acceptedInPipeline)}"));
    }

    private static string Met(bool met) => met ? "met" : "NOT met";
}
