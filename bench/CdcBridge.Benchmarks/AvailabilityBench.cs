using System.Diagnostics;
using System.Globalization;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Registry;
using CdcBridge.Benchmarks.Availability;
using CdcBridge.Capture;
using CdcBridge.Channels.Dispatch;
using CdcBridge.Channels.Shopify;
using CdcBridge.Debezium;
using CdcBridge.Debezium.Events;
using CdcBridge.DevStack;
using CdcBridge.DevStack.Odoo;
using CdcBridge.DevStack.Shopify;
using CdcBridge.Inventory;
using CdcBridge.Projections;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CdcBridge.Benchmarks;

/// <summary>What the availability bench runs (issue 5's measures); the defaults keep it under about three minutes.</summary>
internal sealed record AvailabilityBenchOptions
{
    /// <summary>Seeded products (SKU'd variants) in three warehouses, each sold at the Shopify location of its name.</summary>
    public int Products { get; init; } = 2_000;

    /// <summary>
    /// The simulated store's plan: its cost bucket paces the dispatcher. Plus (1,000 points/s), the plan of a shop with
    /// thousands of stock changes a second; <c>make run</c>'s simulator is Standard (100 points/s), on which the
    /// dispatcher's start-up reads alone take minutes (the bench prints what they cost).
    /// </summary>
    public ShopifyPlan Plan { get; init; } = ShopifyPlan.Plus;

    public IReadOnlyList<int> Rates { get; init; } = [200, 2_000];

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan Measured { get; init; } = TimeSpan.FromSeconds(12);

    public int BurstChanges { get; init; } = 1_000;

    public IReadOnlyList<int> BurstPairs { get; init; } = [10, 100, 250, 1_000];

    /// <summary>Committed quant updates added to the topics before the rebuild (2,000 rows per transaction).</summary>
    public long RebuildChanges { get; init; } = 200_000;

    /// <summary>
    /// Partitions of the rebuild's stock_quant topic: the embedded broker keeps at most 5 MiB per partition, so the
    /// topic needs enough of them to hold the snapshot and every change.
    /// </summary>
    public int RebuildQuantPartitions { get; init; } = 32;

    /// <summary>A rebuild still running after this long is reported from what it applied so far.</summary>
    public TimeSpan RebuildTimeout { get; init; } = TimeSpan.FromSeconds(150);
}

/// <summary>
/// Issue 5's availability figures on the whole path, every part real and embedded as <c>make run</c> starts it: Odoo's
/// database in PostgreSQL 15 → the embedded capture → a 3-broker librdkafka mock cluster (Avro through the embedded
/// registry) → the projection runner and availability projector → the Shopify outbox → the dispatcher → the Shopify
/// simulator over loopback HTTP. (1) commit → Shopify-apply latency at fixed rates, (2) projector events/s rebuilding
/// from the topics with a time breakdown, (3) inventorySetQuantities calls per burst of changes against the minimum and
/// against a cron-style full push.
/// </summary>
internal static class AvailabilityBench
{
    private const string SetQuantities = "inventorySetQuantities";

    public static async Task RunAsync(AvailabilityBenchOptions options)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = cts.Token;
        var total = Stopwatch.StartNew();
        var folder = Path.Combine(Path.GetTempPath(), $"cdcbridge-avbench-{Guid.NewGuid():N}"[..34]);
        var stack = await EmbeddedStack.StartAsync(new StackOptions
        {
            StateDirectory = folder,
            Seed = new SeedOptions { Products = options.Products, Seed = 7 },
        }, NullLoggerFactory.Instance, ct);
        try
        {
            var odoo = stack.Endpoints.Postgres.Odoo;
            ShopifyCatalog catalog;
            await using (var connection = new NpgsqlConnection(odoo))
            {
                await connection.OpenAsync(ct);
                catalog = await ShopifyCatalog.FromOdooAsync(connection, ct);
            }

            await using var shopify = await ShopifySimulator.StartAsync(new ShopifySimulatorOptions { Catalog = catalog, Plan = options.Plan }, null, ct);
            var startedIn = total.Elapsed;
            var sidecar = await BenchSidecar.StartAsync(stack, shopify, options.Plan, ct);
            StoreTarget target;
            IReadOnlyList<LatencyRow> latency;
            IReadOnlyList<BurstRow> bursts;
            CronRow cron;
            var initial = Stopwatch.StartNew();
            try
            {
                await sidecar.Runner.WaitForCaughtUpAsync(TimeSpan.FromMinutes(3), ct);
                var projectedIn = initial.Elapsed;
                await sidecar.Dispatcher.WaitUntilDrainedAsync(TimeSpan.FromMinutes(5), ct);
                var syncedIn = initial.Elapsed;
                var startLog = shopify.Requests();
                target = sidecar.Target;
                var levels = Levels(shopify);
                var pairs = (await StockWriters.PairsAsync(odoo, ct)).Where(p => levels.GetValueOrDefault((p.InventoryItemId, p.ShopifyLocationId)) >= 1).ToList();

                Console.WriteLine();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Availability, Odoo commit → Shopify (embedded stack as `make run`: PostgreSQL 15, 3-broker mock Kafka, registry, capture, simulator on loopback)"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  seed {options.Products:N0} products, {catalog.Variants.Count:N0} Shopify variants × {catalog.Locations.Count} locations (one per warehouse); store plan {options.Plan} ({shopify.RestoreRate:0} points/s, bucket {shopify.MaximumAvailable:0})"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  stack up in {startedIn.TotalSeconds:0.0} s; initial sync: snapshot projected in {projectedIn.TotalSeconds:0.0} s, Shopify in sync after {syncedIn.TotalSeconds:0.0} s ({sidecar.Projector.ValuesChanged:N0} values)"));
                var reads = startLog.Where(r => !r.RootFields.Contains(SetQuantities) && !r.Throttled).ToList();
                var readPoints = reads.Sum(r => (long)(r.ActualCost ?? 0));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    its calls: {string.Join(", ", startLog.GroupBy(r => string.Join('+', r.RootFields)).Select(g => $"{g.Key} {g.Count():N0} ({g.Sum(r => (long)(r.ActualCost ?? 0)):N0} points{(g.Any(r => r.Throttled) ? $", {g.Count(r => r.Throttled)} throttled" : "")})"))}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    the dispatcher's start-up reads cost {readPoints:N0} points: on the Standard plan (100 points/s, bucket 2,000) they alone take ≥ {Math.Max(0, readPoints - 2_000) / 100.0:0} s"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  a stock change = one transaction `UPDATE stock_quant SET quantity = quantity + 1` on one quant of a random (SKU, location) pair out of {pairs.Count:N0} (pushed value ≥ 1)"));

                var rows = new List<LatencyRow>();
                foreach (var rate in options.Rates)
                {
                    rows.Add(await LatencyAsync(sidecar, shopify, odoo, pairs, rate, options, ct));
                }

                latency = rows;
                PrintLatency(latency, options);

                var burstRows = new List<BurstRow>();
                foreach (var distinct in options.BurstPairs.Where(d => d <= pairs.Count))
                {
                    burstRows.Add(await BurstAsync(sidecar, shopify, odoo, pairs, options.BurstChanges, distinct, ct));
                }

                bursts = burstRows;
                cron = await CronTickAsync(shopify, catalog, ct);
                PrintBursts(bursts, cron, options);
            }
            finally
            {
                await sidecar.DisposeAsync();
            }

            var rebuild = await RebuildAsync(stack, odoo, target, options, ct);
            PrintRebuild(rebuild, options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (availability bench took {total.Elapsed.TotalSeconds:0} s)"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await stack.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    // ---------------------------------------------------------------- 1. commit → Shopify latency

    private sealed record LatencyRow(int Rate, double Achieved, int Writers, int Changes, int Pairs, Sample Projected, Sample Pushed, Sample Applied,
        int Unresolved, bool Drained, int Mismatched, Push Push, Stages Stages, string Cpu);

    /// <summary>The dispatcher in the measured window: its cycles, its set calls (client-side duration) and Shopify's answers.</summary>
    private sealed record Push(int Cycles, Sample CycleGapMs, int SetCalls, int Throttled, double QuantitiesPerCall, Sample CallMs,
        IReadOnlyList<(string Kind, long Count, TimeSpan Time)> Sql);

    /// <summary>commit → projected split by <see cref="StageProbe"/>, and the projection's batches in the window.</summary>
    private sealed record Stages(Sample Capture, Sample Queue, Sample Apply, int Batches, double MeanBatchSize, double MeanBatchMs, double Busy);

    private static async Task<LatencyRow> LatencyAsync(BenchSidecar sidecar, ShopifySimulator shopify, string odoo, List<StockPair> pairs, int rate,
        AvailabilityBenchOptions options, CancellationToken ct)
    {
        var levels = Levels(shopify);
        var baseline = pairs.Select(p => levels[(p.InventoryItemId, p.ShopifyLocationId)]).ToArray();
        var index = Index(pairs);
        var projected = new List<(DateTime At, int Pair, long OnHand)>();
        var gate = new Lock();
        void OnValues(object? sender, IReadOnlyList<AvailabilityChange> changes)
        {
            var at = DateTime.UtcNow;
            lock (gate)
            {
                foreach (var change in changes)
                {
                    if (index.TryGetValue((change.Result.OdooProductId, change.Result.Key.ShopifyLocationId), out var pair))
                    {
                        projected.Add((at, pair, change.Result.OnHand));
                    }
                }
            }
        }

        var cycles = new List<DateTime>();
        using var stopCycles = CancellationTokenSource.CreateLinkedTokenSource(ct);
        async Task CountCyclesAsync()
        {
            while (!stopCycles.IsCancellationRequested)
            {
                await sidecar.Dispatcher.NextCycle.WaitAsync(stopCycles.Token);
                lock (gate)
                {
                    cycles.Add(DateTime.UtcNow);
                }
            }
        }

        var seq = LastSeq(shopify);
        var recorded = sidecar.Recorder.Count;
        var writers = Math.Clamp((rate + 249) / 250, 1, 8);
        sidecar.Projector.ValuesCommitted += OnValues;
        var counting = Task.Run(CountCyclesAsync, CancellationToken.None);
        using var sql = new SqlProfiler();
        async Task<CpuWindow> AfterWarmupAsync()
        {
            await Task.Delay(options.Warmup, ct);
            sql.Start();
            return new CpuWindow();
        }

        List<StockCommit> commits;
        bool drained;
        string cpuText;
        try
        {
            var cpu = AfterWarmupAsync();
            commits = await StockWriters.PacedAsync(odoo, pairs, rate, options.Warmup, options.Measured, writers, seed: rate, ct);
            cpuText = (await cpu).Describe();
            sql.Stop();
            drained = await WaitForLevelsAsync(shopify, pairs, Expected(commits, baseline), TimeSpan.FromSeconds(60), ct);

            // Shopify applies a call before the dispatcher reads its answer: wait for the dispatcher to finish its cycle.
            await sidecar.Dispatcher.WaitUntilDrainedAsync(TimeSpan.FromSeconds(30), ct);
        }
        finally
        {
            sidecar.Projector.ValuesCommitted -= OnValues;
            await stopCycles.CancelAsync();
            await counting.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        var requests = shopify.Requests(seq);
        var appliedAt = AppliedAt(requests);
        var calls = sidecar.Recorder.Since(recorded);
        var applies = Timeline(pairs.Count, calls.SelectMany(call =>
        {
            var at = appliedAt.TryGetValue(call.IdempotencyKey, out var t) ? t : call.AnsweredAt;
            return call.Changes.Select(c => (at, index.GetValueOrDefault((checked((int)(c.InventoryItemId - ShopifyCatalog.InventoryItemIdBase)), c.LocationId), -1), (long)c.Quantity));
        }));
        List<(DateTime At, int Pair, long OnHand)> projectedCopy;
        List<DateTime> cycleCopy;
        lock (gate)
        {
            projectedCopy = [.. projected];
            cycleCopy = [.. cycles];
        }

        var measured = commits.Where(c => c.Measured).ToList();
        var appliedTimes = ReachedAt(measured, baseline, applies);
        var projectedTimes = ReachedAt(measured, baseline, Timeline(pairs.Count, projectedCopy));
        var window = measured.Count == 0 ? (From: DateTime.MinValue, To: DateTime.MinValue) : (From: measured[0].CommittedAt, To: measured[^1].CommittedAt);
        var achieved = measured.Count / Math.Max(1e-9, (window.To - window.From).TotalSeconds);
        var inWindow = Calls(requests.Where(r => r.At.UtcDateTime >= window.From && r.At.UtcDateTime <= window.To));
        var cyclesInWindow = cycleCopy.Where(c => c >= window.From && c <= window.To).ToList();
        var push = new Push(
            cyclesInWindow.Count, new Sample(cyclesInWindow.Zip(cyclesInWindow.Skip(1)).Select(p => (p.Second - p.First).TotalMilliseconds)),
            inWindow.Total, inWindow.Throttled, inWindow.Applied == 0 ? 0 : inWindow.Quantities / (double)inWindow.Applied,
            new Sample(calls.Where(c => c.StartedAt >= window.From && c.StartedAt <= window.To).Select(c => (c.AnsweredAt - c.StartedAt).TotalMilliseconds)),
            sql.Sql);
        var (records, batches) = sidecar.Probe.Window(window.From, window.To);
        var stages = new Stages(
            new Sample(records.Select(r => (r.ProducedAt - r.CommittedAt).TotalMilliseconds)),
            new Sample(records.Select(r => (r.BatchStart - r.ProducedAt).TotalMilliseconds)),
            new Sample(records.Select(r => (r.BatchCommitted - r.BatchStart).TotalMilliseconds)),
            batches.Count,
            batches.Count == 0 ? 0 : batches.Average(b => b.Size),
            batches.Count == 0 ? 0 : batches.Average(b => (b.End - b.Start).TotalMilliseconds),
            batches.Sum(b => (b.End - b.Start).TotalSeconds) / Math.Max(1e-9, (window.To - window.From).TotalSeconds));
        var finalLevels = Levels(shopify);
        var expectedFinal = Expected(commits, baseline);
        var mismatched = expectedFinal.Count(e => finalLevels[(pairs[e.Key].InventoryItemId, pairs[e.Key].ShopifyLocationId)] != e.Value);
        var since = measured.Select(c => c.CommittedAt).ToList();
        return new LatencyRow(rate, achieved, writers, measured.Count, expectedFinal.Count,
            Between(since, projectedTimes), Between(projectedTimes, appliedTimes), Between(since, appliedTimes),
            appliedTimes.Count(t => t is null), drained, mismatched, push, stages, cpuText);
    }

    /// <summary>For every measured commit: the first time its pair's value reached base + its count (value timelines are per pair, by time).</summary>
    private static List<DateTime?> ReachedAt(List<StockCommit> commits, long[] baseline, List<(DateTime At, long Value)>[] timelines) =>
        commits.Select(commit =>
        {
            var target = baseline[commit.Pair] + commit.Count;
            var timeline = timelines[commit.Pair];
            var hit = timeline.FindIndex(t => t.Value >= target);
            return hit < 0 ? (DateTime?)null : timeline[hit].At;
        }).ToList();

    private static Sample Between(IReadOnlyList<DateTime?> from, IReadOnlyList<DateTime?> to) =>
        new(from.Zip(to).Where(p => p.First is not null && p.Second is not null).Select(p => Math.Max(0, (p.Second!.Value - p.First!.Value).TotalMilliseconds)));

    private static Sample Between(List<DateTime> from, IReadOnlyList<DateTime?> to) => Between(from.Select(f => (DateTime?)f).ToList(), to);

    private static List<(DateTime At, long Value)>[] Timeline(int pairs, IEnumerable<(DateTime At, int Pair, long Value)> events)
    {
        var timelines = Enumerable.Range(0, pairs).Select(_ => new List<(DateTime, long)>()).ToArray();
        foreach (var (at, pair, value) in events)
        {
            if (pair >= 0)
            {
                timelines[pair].Add((at, value));
            }
        }

        foreach (var timeline in timelines)
        {
            timeline.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        }

        return timelines;
    }

    private static void PrintLatency(IReadOnlyList<LatencyRow> rows, AvailabilityBenchOptions options)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  1. commit → Shopify-apply latency: paced changes, {options.Warmup.TotalSeconds:0} s warm-up + {options.Measured.TotalSeconds:0} s measured; commit = PostgreSQL answered the UPDATE,"));
        Console.WriteLine("     projected = the projection's transaction with the new value committed, Shopify = the simulator's log time of the call that applied it (p50 / p99)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"target/s",8} {"achieved/s",10} {"writers",7} {"changes",8} {"pairs",6} {"commit → projected",19} {"projected → Shopify",20} {"commit → Shopify",19} {"max",8}  goal p99 ≤ 1 s"));
        foreach (var r in rows)
        {
            var goal = r.Drained && r.Unresolved == 0 && r.Mismatched == 0
                ? (r.Applied.Percentile(0.99) <= 1000 ? "met" : "NOT met")
                : $"NOT met ({r.Unresolved:N0} changes never reached Shopify, {r.Mismatched:N0} pairs wrong)";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Rate,8:N0} {r.Achieved,10:N0} {r.Writers,7} {r.Changes,8:N0} {r.Pairs,6:N0} {$"{r.Projected.Format(0.5)} / {r.Projected.Format(0.99)}",19} {$"{r.Pushed.Format(0.5)} / {r.Pushed.Format(0.99)}",20} {$"{r.Applied.Format(0.5)} / {r.Applied.Format(0.99)}",19} {Sample.Ms(r.Applied.Max),8}  {goal}"));
        }

        Console.WriteLine("     commit → projected by stage (p50 / p99): capture = commit (source.ts_us) → record produced to Kafka; queue = produced → batch handed to");
        Console.WriteLine("     the projector (broker, fetch, poll, Avro decode, the batch before); apply = batch handed over → its transaction committed; busy = Σ batch time / window");
        foreach (var r in rows)
        {
            var g = r.Stages;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     at {r.Rate:N0}/s: capture {g.Capture.Format(0.5)} / {g.Capture.Format(0.99)}, queue {g.Queue.Format(0.5)} / {g.Queue.Format(0.99)}, apply {g.Apply.Format(0.5)} / {g.Apply.Format(0.99)}; {g.Batches:N0} batches of {g.MeanBatchSize:0} records, {g.MeanBatchMs:0} ms each, projection busy {100 * g.Busy:0}%"));
        }

        Console.WriteLine("     projected → Shopify: dispatcher cycles and inventorySetQuantities calls in the window (call = the client's call, pacing and retries included)");
        foreach (var r in rows)
        {
            var p = r.Push;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     at {r.Rate:N0}/s: {p.Cycles:N0} cycles (apart {p.CycleGapMs.Format(0.5)} / {p.CycleGapMs.Format(0.99)}), {p.SetCalls:N0} set calls of {p.QuantitiesPerCall:0.0} quantities, {p.Throttled:N0} throttled, call {p.CallMs.Format(0.5)} / {p.CallMs.Format(0.99)}; CPU: {r.Cpu}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"       SQL in the window (count × mean): {string.Join("; ", p.Sql.Where(q => !q.Kind.StartsWith("other", StringComparison.Ordinal)).Select(q => $"{q.Kind} {q.Count:N0} × {q.Time.TotalMilliseconds / Math.Max(1, q.Count):0.0} ms"))}"));
        }
    }

    // ---------------------------------------------------------------- 3. Shopify calls per burst

    private sealed record BurstRow(int Changes, int Pairs, TimeSpan Committed, TimeSpan Applied, bool Reached, int SetCalls, int Throttled, int Minimum,
        int ProjectionBatches, TimeSpan ValuesOver, IReadOnlyList<(int LingerMs, int Calls)> Modelled);

    private sealed record CronRow(int Pairs, int CallsPerTick, int SimulatedCalls, int Throttled, TimeSpan Took);

    /// <summary>Dispatcher lingers the burst is modelled with (see <see cref="ModelCalls"/>).</summary>
    private static readonly int[] Lingers = [100, 250, 500];

    private static async Task<BurstRow> BurstAsync(BenchSidecar sidecar, ShopifySimulator shopify, string odoo, IReadOnlyList<StockPair> all, int changes, int distinct,
        CancellationToken ct)
    {
#pragma warning disable CA5394 // a reproducible choice of pairs, not security
        var random = new Random(distinct);
        var chosen = all.OrderBy(_ => random.Next()).Take(distinct).ToList();
#pragma warning restore CA5394
        var levels = Levels(shopify);
        var expected = new Dictionary<int, long>();
        for (var i = 0; i < chosen.Count; i++)
        {
            expected[i] = levels[(chosen[i].InventoryItemId, chosen[i].ShopifyLocationId)] + (changes / distinct) + (i < changes % distinct ? 1 : 0);
        }

        var values = new List<(DateTime At, AvailabilityKey Key)>();
        var gate = new Lock();
        void OnValues(object? sender, IReadOnlyList<AvailabilityChange> changed)
        {
            var at = DateTime.UtcNow;
            lock (gate)
            {
                values.AddRange(changed.Select(c => (at, c.Result.Key)));
            }
        }

        var seq = LastSeq(shopify);
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        sidecar.Projector.ValuesCommitted += OnValues;
        TimeSpan committed, applied;
        bool reached;
        try
        {
            committed = await StockWriters.BurstAsync(odoo, chosen, changes, ct);
            reached = await WaitForLevelsAsync(shopify, chosen, expected, TimeSpan.FromSeconds(60), ct);
            applied = clock.Elapsed;
            await sidecar.Dispatcher.WaitUntilDrainedAsync(TimeSpan.FromSeconds(30), ct);
            await Task.Delay(500, ct); // a late extra call would show here
        }
        finally
        {
            sidecar.Projector.ValuesCommitted -= OnValues;
        }

        var calls = Calls(shopify.Requests(seq));
        var batches = sidecar.Probe.Window(started, DateTime.UtcNow).Batches.Count;
        List<(DateTime At, AvailabilityKey Key)> seen;
        lock (gate)
        {
            seen = [.. values];
        }

        var over = seen.Count == 0 ? TimeSpan.Zero : seen.Max(v => v.At) - seen.Min(v => v.At);
        return new BurstRow(changes, distinct, committed, applied, reached, calls.Total, calls.Throttled, Minimum(distinct), batches, over,
            Lingers.Select(l => (l, ModelCalls(seen, TimeSpan.FromMilliseconds(l)))).ToList());
    }

    private static int Minimum(int pairs) => (pairs + ShopifyDispatcher.MaxQuantitiesPerCall - 1) / ShopifyDispatcher.MaxQuantitiesPerCall;

    /// <summary>
    /// A model of a dispatcher that lingers: the first value waiting opens a window, which is sent when it is
    /// <paramref name="linger"/> old or holds 250 distinct pairs, coalesced per pair, 250 per call. Fed the times the
    /// projection committed the burst's values; the call itself is taken as instant.
    /// </summary>
    private static int ModelCalls(IReadOnlyList<(DateTime At, AvailabilityKey Key)> values, TimeSpan linger)
    {
        var calls = 0;
        var window = new HashSet<AvailabilityKey>();
        DateTime? opened = null;
        foreach (var (at, key) in values.OrderBy(v => v.At))
        {
            if (opened is { } o && at - o >= linger)
            {
                calls += Minimum(window.Count);
                window.Clear();
                opened = null;
            }

            opened ??= at;
            window.Add(key);
            if (window.Count == ShopifyDispatcher.MaxQuantitiesPerCall)
            {
                calls++;
                window.Clear();
                opened = null;
            }
        }

        return calls + Minimum(window.Count);
    }

    /// <summary>
    /// What today's connectors do every cron tick: set every SKU at every location, 250 per call. Simulated against the
    /// same simulator with the same client class, each entry set to the value Shopify holds (a no-op for the store, the
    /// same calls and cost for the API).
    /// </summary>
    private static async Task<CronRow> CronTickAsync(ShopifySimulator shopify, ShopifyCatalog catalog, CancellationToken ct)
    {
        using var http = new HttpClient();
        var client = new ShopifyInventoryClient(new ShopifyStore(shopify.ShopDomain, new Uri(shopify.Url), shopify.ApiVersion, shopify.AccessToken), http);
        var entries = new List<SetQuantityEntry>();
        foreach (var location in catalog.Locations)
        {
            foreach (var (item, level) in await client.ReadLevelsAsync(location.Id, ct))
            {
                entries.Add(new SetQuantityEntry(item, location.Id, checked((int)level.OnHand), checked((int)level.OnHand)));
            }
        }

        var seq = LastSeq(shopify);
        var clock = Stopwatch.StartNew();
        var tick = Guid.NewGuid().ToString("N");
        var n = 0;
        foreach (var chunk in entries.Chunk(SetQuantitiesRequest.MaxQuantities))
        {
            await client.SetQuantitiesAsync(new SetQuantitiesRequest("on_hand", "correction", $"gid://cdcbridge/CronTick/{tick}", $"{tick}-{n++}", chunk), ct);
        }

        var took = clock.Elapsed;
        var calls = Calls(shopify.Requests(seq));
        var pairs = catalog.Variants.Count * catalog.Locations.Count;
        return new CronRow(pairs, Minimum(pairs), calls.Total, calls.Throttled, took);
    }

    private static void PrintBursts(IReadOnlyList<BurstRow> rows, CronRow cron, AvailabilityBenchOptions options)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  3. Shopify inventorySetQuantities calls per burst of {options.BurstChanges:N0} changes over D distinct (SKU, location) pairs (each change its own transaction, pipelined on one connection; calls counted in the simulator's request log)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"D",6} {"committed in",12} {"values over",11} {"in Shopify after",16} {"proj. batches",13} {"set calls",9} {"throttled",9} {"minimum ⌈D/250⌉",16} {"ratio",6} {"cron tick",9}  goal calls ≤ 1.1 × minimum   {string.Join("  ", Lingers.Select(l => $"linger {l} ms"))}"));
        foreach (var r in rows)
        {
            var ratio = r.SetCalls / (double)r.Minimum;
            var goal = !r.Reached ? "NOT met (values missing)" : ratio <= 1.1 ? "met" : "NOT met";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.Pairs,6:N0} {Sample.Ms(r.Committed.TotalMilliseconds),12} {Sample.Ms(r.ValuesOver.TotalMilliseconds),11} {Sample.Ms(r.Applied.TotalMilliseconds),16} {r.ProjectionBatches,13:N0} {r.SetCalls,9:N0} {r.Throttled,9:N0} {r.Minimum,16:N0} {ratio,6:0.00} {cron.CallsPerTick,9:N0}  {goal,-26} {string.Join("  ", r.Modelled.Select(m => $"{m.Calls,13:N0}"))}"));
        }

        var dispatch = new ShopifyDispatcherOptions();
        Console.WriteLine("     values over = from the first to the last of the burst's values the projection committed (what the dispatcher sees arrive)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     set calls = the dispatcher's burst window: open while values keep coming, closed after a quiet gap of {dispatch.QuietGap.TotalMilliseconds:0} ms or once its first change is {dispatch.MaxLinger.TotalMilliseconds:0} ms past its commit;"));
        Console.WriteLine("     a full call leaves at once when more pairs wait than one call holds. linger columns: calls a plain fixed window that old (or full at 250");
        Console.WriteLine("     pairs) would make, modelled on the times the projection committed this burst's values (a model, not a measurement)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     cron-style full push = every SKU at every location each tick: ⌈{cron.Pairs:N0} pairs / 250⌉ = {cron.CallsPerTick:N0} calls per tick whatever changed"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     (simulated once against the simulator with ShopifyInventoryClient: {cron.SimulatedCalls:N0} calls, {cron.Throttled:N0} throttled, {cron.Took.TotalSeconds:0.0} s; computed for `dev --products 50000`: ⌈150,000 / 250⌉ = 600 calls per tick)"));
    }

    // ---------------------------------------------------------------- 2. projection rebuild

    private sealed record RebuildRow(long Bulk, TimeSpan BulkCaptured, long TopicEvents, bool Truncated, long Events, bool Partial, TimeSpan Startup,
        TimeSpan FirstBatch, TimeSpan Elapsed, long Batches, long DeferredBatches, long ValuesChanged, TimeSpan BatchTime, TimeSpan Apply,
        IReadOnlyList<(string Kind, long Count, TimeSpan Time)> Sql, double RawConsumeRate, ProjectorReplay.Result Replay, string Cpu);

    /// <summary>
    /// The topics of the stack's own capture cannot hold the load: the embedded broker keeps 5 MiB per partition and
    /// odoo.public.stock_quant has 4 (what it auto-creates). So a second capture of the same database, on its own slot,
    /// writes a snapshot and then every change to <c>rebuild.public.*</c>, created first with enough partitions.
    /// </summary>
    private static async Task<RebuildRow> RebuildAsync(EmbeddedStack stack, string odoo, StoreTarget target, AvailabilityBenchOptions options, CancellationToken ct)
    {
        const string prefix = "rebuild";
        var bootstrap = stack.Endpoints.Kafka.Bootstrap;
        foreach (var table in AvailabilityProjector.OdooTables)
        {
            stack.Kafka.CreateTopic($"{prefix}.public.{table}", table == "stock_quant" ? options.RebuildQuantPartitions : 4);
        }

        using var registry = new SchemaRegistryClient(new SchemaRegistryOptions { Url = stack.Endpoints.SchemaRegistry!.Url });
        long bulk;
        TimeSpan captured;
        var clock = Stopwatch.StartNew();
        await using (var capture = await EmbeddedCapture.StartAsync(new CaptureOptions
        {
            ConnectionString = odoo,
            KafkaBootstrap = bootstrap,
            Registry = registry,
            Settings = CaptureSettings.Odoo with { TopicPrefix = prefix, SlotName = "bench_rebuild" },
            FreshSnapshot = true,
        }, NullLogger.Instance, ct))
        {
            await (await Task.WhenAny(capture.SnapshotCompleted, capture.Completion)).WaitAsync(TimeSpan.FromMinutes(2), ct);
            var before = capture.EventsCaptured;
            var stackBefore = stack.Capture!.EventsCaptured;
            clock.Restart();
            bulk = await StockWriters.BulkAsync(odoo, options.RebuildChanges, 2_000, ct);
            while (capture.EventsCaptured < before + bulk)
            {
                await Task.Delay(20, ct);
            }

            captured = clock.Elapsed;

            // The stack's own capture reads the same WAL: let it finish too, so it does not compete with the rebuild.
            while (stack.Capture.EventsCaptured < stackBefore + bulk && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(20, ct);
            }
        }

        var inner = new AvailabilityProjector(new AvailabilityProjectorOptions { CdcTopicPrefix = prefix }, [target], registry, NullLogger.Instance);
        var projector = new TimedProjector(inner);
        var marks = Watermarks(bootstrap, projector.Topics);
        var topicEvents = marks.Values.Sum(m => m.High - m.Low);
        var truncated = marks.Values.Any(m => m.Low > 0);
        using var profiler = new SqlProfiler();
        var runner = new ProjectionRunner(projector, new ProjectionOptions
        {
            KafkaBootstrap = bootstrap,
            ConnectionString = stack.Endpoints.Postgres.Sidecar,
            Epoch = $"bench-rebuild-{Guid.NewGuid():N}",
            GroupPrefix = $"bench-rebuild-{Guid.NewGuid():N}",
        }, registry, NullLogger.Instance);
        TimeSpan startup, firstBatch, elapsed;
        var partial = false;
        string cpu;
        await using (runner)
        {
            var window = new CpuWindow();
            profiler.Start();
            clock.Restart();
            await runner.StartAsync(ct);
            startup = clock.Elapsed;
            await runner.NextCommit.WaitAsync(options.RebuildTimeout, ct);
            firstBatch = clock.Elapsed;
            try
            {
                await runner.WaitForCaughtUpAsync(options.RebuildTimeout - firstBatch, ct);
            }
            catch (TimeoutException)
            {
                partial = true;
            }

            elapsed = clock.Elapsed;
            profiler.Stop();
            cpu = window.Describe();
        }

        var (raw, replay) = await CeilingsAsync(bootstrap, registry, marks, target, prefix, ct);
        return new RebuildRow(bulk, captured, topicEvents, truncated, runner.Status.Events, partial, startup, firstBatch, elapsed, projector.Batches,
            inner.DeferredBatches, inner.ValuesChanged, profiler.BatchTime, projector.Apply, profiler.Sql, raw, replay, cpu);
    }

    /// <summary>
    /// The same records without the projection: a bare consumer reading them all (the broker's ceiling), then the
    /// projector's CPU steps replayed on one thread without SQL (<see cref="ProjectorReplay"/>).
    /// </summary>
    private static async Task<(double RawConsumeRate, ProjectorReplay.Result Replay)> CeilingsAsync(string bootstrap, ISchemaRegistryClient registry,
        Dictionary<(string Topic, int Partition), (long Low, long High)> marks, StoreTarget target, string prefix, CancellationToken ct)
    {
        var ends = marks.Where(e => e.Value.High > e.Value.Low).ToDictionary();
        var records = new List<ConsumeResult<byte[]?, byte[]?>>((int)ends.Values.Sum(m => m.High - m.Low));
        var clock = Stopwatch.StartNew();
        using (var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"bench-raw-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
        }).Build())
        {
            consumer.Assign(ends.Select(e => new TopicPartitionOffset(e.Key.Topic, e.Key.Partition, e.Value.Low)));
            var remaining = ends.Values.Sum(m => m.High - m.Low);
            var deadline = Stopwatch.StartNew();
            while (remaining > 0 && deadline.Elapsed < TimeSpan.FromSeconds(60) && !ct.IsCancellationRequested)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
                {
                    records.Add(record);
                    remaining--;
                }
            }
        }

        var raw = records.Count / clock.Elapsed.TotalSeconds;
        var runner = new ProjectionOptions { KafkaBootstrap = bootstrap, ConnectionString = "" }; // the runner's defaults
        var replay = await ProjectorReplay.RunAsync(records, registry, target, prefix, AvailabilityAnalytics.DefaultTopic, runner.MaxBatchSize,
            runner.CatchUpBatchSize, new AvailabilityProjectorOptions().CatchUpThreshold);
        return (raw, replay);
    }

    private static void PrintRebuild(RebuildRow r, AvailabilityBenchOptions options)
    {
        var rate = r.Events / r.Elapsed.TotalSeconds;
        var steady = r.Events / Math.Max(1e-9, (r.Elapsed - r.FirstBatch).TotalSeconds);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  2. projector rebuild from the topics: a capture's snapshot + {r.Bulk:N0} committed quant updates (2,000 per transaction, captured in {r.BulkCaptured.TotalSeconds:0.0} s; stock_quant topic of {options.RebuildQuantPartitions} partitions), then a fresh projection (new epoch and group), the dispatcher stopped"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"events in topics",16} {"applied",9} {"start-up",9} {"first batch",11} {"caught up",10} {"events/s",9} {"after 1st batch",15} {"batches",7} {"values out",10}  goal ≥ 20,000 events/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {r.TopicEvents,16:N0} {r.Events,9:N0} {Sample.Ms(r.Startup.TotalMilliseconds),9} {Sample.Ms(r.FirstBatch.TotalMilliseconds),11} {r.Elapsed.TotalSeconds,8:0.0} s {rate,9:N0} {steady,15:N0} {r.Batches,7:N0} {r.ValuesChanged,10:N0}  {(rate >= 20_000 ? "met" : "NOT met")}"));
        if (r.Partial)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"     (stopped after {options.RebuildTimeout.TotalSeconds:0} s, not caught up: events/s from what was applied)"));
        }

        if (r.Truncated)
        {
            Console.WriteLine("     WARNING: the broker had already dropped the oldest records of some partitions (5 MiB per partition): the rebuild did not see them");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     catch-up: {r.DeferredBatches:N0} of {r.Batches:N0} batches deferred their values (more than {new AvailabilityProjectorOptions().CatchUpThreshold:N0} records behind, or a partition short of its end at the start), settled once"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"     CPU while rebuilding: {r.Cpu}"));

        var projectorSql = TimeSpan.FromTicks(r.Sql.Where(s => s.Kind.StartsWith("projector", StringComparison.Ordinal)).Sum(s => s.Time.Ticks));
        var runnerSql = TimeSpan.FromTicks(r.Sql.Where(s => s.Kind.StartsWith("runner", StringComparison.Ordinal)).Sum(s => s.Time.Ticks));
        var otherSql = TimeSpan.FromTicks(r.Sql.Where(s => s.Kind.StartsWith("other", StringComparison.Ordinal)).Sum(s => s.Time.Ticks));
        var outside = r.Elapsed - r.BatchTime;
        var decodeEtc = r.BatchTime - r.Apply - runnerSql;
        var projectorCpu = r.Apply - projectorSql;
        string Share(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds,7:0.00} s {100 * t / r.Elapsed,5:0}%");
        Console.WriteLine("     where the time goes (Stopwatch around the projector's ApplyAsync, the runner's batch-duration histogram, Npgsql's per-command tracing):");
        Console.WriteLine($"       {"outside batches: start-up (reset, load, partition assignment), Kafka poll/fetch",-74} {Share(outside)}");
        Console.WriteLine($"       {"runner: Avro decode of keys/values + bookkeeping (+ COMMIT)",-74} {Share(decodeEtc)}");
        Console.WriteLine($"       {"projector in memory: Debezium read, fold, recompute, JSON/Avro encoding",-74} {Share(projectorCpu)}");
        foreach (var (kind, count, time) in r.Sql)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"       {$"SQL {kind} ({count:N0} commands)",-74} {Share(time)}"));
        }

        if (otherSql > TimeSpan.Zero)
        {
            Console.WriteLine("       (\"other\" SQL is outside the batches: schema, reset, load, claims)");
        }

        var p = r.Replay;
        string Part(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{100 * t / p.Total:0}% ({p.Records / Math.Max(1e-9, t.TotalSeconds):N0}/s)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     the same {p.Records:N0} records without the projection: a bare Kafka consumer reads {r.RawConsumeRate:N0}/s; the projector's CPU steps replayed on one thread, no SQL,"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     {p.Batches:N0} batches ({p.Deferred:N0} deferred), {p.Values:N0} values: {p.Records / p.Total.TotalSeconds:N0} events/s = Avro decode {Part(p.Decode)}, Debezium read {Part(p.Read)}, fold {Part(p.Fold)},"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"     recompute {Part(p.Recompute)}, rows → JSON {Part(p.RowsJson)}, inputs → JSON {Part(p.InputsJson)}, analytics Avro record {Part(p.Analytics)}"));
    }

    // ---------------------------------------------------------------- helpers

    private static Dictionary<(int ProductId, long Location), int> Index(IReadOnlyList<StockPair> pairs) =>
        pairs.Select((p, i) => (p, i)).ToDictionary(x => (x.p.ProductId, x.p.ShopifyLocationId), x => x.i);

    private static Dictionary<int, long> Expected(IEnumerable<StockCommit> commits, long[] baseline)
    {
        var expected = new Dictionary<int, long>();
        foreach (var c in commits)
        {
            expected[c.Pair] = Math.Max(expected.GetValueOrDefault(c.Pair), baseline[c.Pair] + c.Count);
        }

        return expected;
    }

    private static Dictionary<(long Item, long Location), long> Levels(ShopifySimulator shopify) =>
        shopify.Inventory().ToDictionary(r => (ShopifyGid.TryParse(r.InventoryItemId, "InventoryItem")!.Value, ShopifyGid.TryParse(r.LocationId, "Location")!.Value), r => r.OnHand);

    /// <summary>Polls the simulator (one SKU at a time, only pairs not there yet) until every listed pair holds its expected on_hand; false on timeout.</summary>
    private static async Task<bool> WaitForLevelsAsync(ShopifySimulator shopify, List<StockPair> pairs, IReadOnlyDictionary<int, long> expected,
        TimeSpan timeout, CancellationToken ct)
    {
        var waiting = expected.ToDictionary();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            foreach (var (pair, value) in waiting.ToList())
            {
                if (shopify.Level(pairs[pair].Sku, pairs[pair].ShopifyLocationId).OnHand == value)
                {
                    waiting.Remove(pair);
                }
            }

            if (waiting.Count == 0)
            {
                return true;
            }

            await Task.Delay(20, ct);
        }

        return false;
    }

    private static long LastSeq(ShopifySimulator shopify) => shopify.Requests() is { Count: > 0 } log ? log[^1].Seq : 0;

    /// <summary>The simulator's time for each idempotency key it applied (executed, not throttled).</summary>
    private static Dictionary<string, DateTime> AppliedAt(IEnumerable<ShopifySimRequest> requests) =>
        requests.Where(r => r.IdempotencyKey is not null && !r.Throttled && r.HttpStatus == 200)
            .GroupBy(r => r.IdempotencyKey!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(r => r.At.UtcDateTime), StringComparer.Ordinal);

    private static (int Total, int Throttled, int Applied, long Quantities) Calls(IEnumerable<ShopifySimRequest> requests)
    {
        var set = requests.Where(r => r.RootFields.Contains(SetQuantities)).ToList();
        var applied = set.Where(r => !r.Throttled && r.HttpStatus == 200).ToList();
        return (set.Count, set.Count(r => r.Throttled), applied.Count, applied.Sum(r => (long)r.Quantities));
    }

    private static Dictionary<(string Topic, int Partition), (long Low, long High)> Watermarks(string bootstrap, IEnumerable<string> topics)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench.probe" }).Build();
        var marks = new Dictionary<(string, int), (long, long)>();
        foreach (var name in topics)
        {
            var topic = admin.GetMetadata(name, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == name);
            if (topic is null || topic.Error.IsError)
            {
                continue;
            }

            foreach (var partition in topic.Partitions)
            {
                var w = probe.QueryWatermarkOffsets(new TopicPartition(name, partition.PartitionId), TimeSpan.FromSeconds(10));
                marks[(name, partition.PartitionId)] = (w.Low.Value, w.High.Value);
            }
        }

        return marks;
    }
}
