using System.Diagnostics;
using System.Text.Json;
using CdcBridge.Avro.Confluent;
using CdcBridge.Avro.Registry;
using CdcBridge.Debezium.Events;
using CdcBridge.Inventory;
using CdcBridge.Inventory.Odoo;
using Confluent.Kafka;

namespace CdcBridge.Benchmarks.Availability;

/// <summary>
/// The projection's CPU work on one thread, without PostgreSQL and without the runner: the same records, in batches of
/// the runner's size, through the public pieces the availability projector is made of, each step timed: the runner's
/// Avro decode (<see cref="AvroDeserializer"/>), <see cref="ChangeEventReader"/>, the fold into <see cref="InventoryState"/>
/// (<see cref="OdooRowReader"/>), the recompute (<see cref="AvailabilityCalculator"/>), the JSON the store writes (rows and
/// inputs, System.Text.Json's web defaults as InventoryStore uses) and the analytics record (<see cref="AvailabilityAnalytics"/>).
/// A replay of AvailabilityProjector.ApplyAsync's steps as of this commit, for a profile; the projector is the reference.
/// Catch-up as the projector does it: while more than <c>catchUpThreshold</c> records are still behind a batch (here
/// exact: the records after it), the batch only folds and encodes its rows; the first batch within the threshold
/// recomputes every product touched since and encodes the values that changed.
/// </summary>
internal static class ProjectorReplay
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Result(int Records, int Batches, int Deferred, long Values, TimeSpan Decode, TimeSpan Read, TimeSpan Fold, TimeSpan Recompute, TimeSpan RowsJson,
        TimeSpan InputsJson, TimeSpan Analytics)
    {
        public TimeSpan Total => Decode + Read + Fold + Recompute + RowsJson + InputsJson + Analytics;
    }

    public static async Task<Result> RunAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records, ISchemaRegistryClient registry, StoreTarget target,
        string cdcTopicPrefix, string analyticsTopic, int batchSize, int catchUpBatchSize, long catchUpThreshold)
    {
        var deserializer = new AvroDeserializer(registry);
        var analytics = new AvailabilityAnalytics(registry, analyticsTopic);
        var state = new InventoryState();
        var calculator = new AvailabilityCalculator([target]);
        var last = new Dictionary<AvailabilityKey, int>();
        long decode = 0, read = 0, fold = 0, recompute = 0, rowsJson = 0, inputsJson = 0, encode = 0, values = 0;
        var batches = 0;
        var deferred = 0;
        var consumed = 0;
        var affected = new HashSet<int>();
        var all = false;
        foreach (var batch in Batches(records, batchSize, catchUpBatchSize))
        {
            batches++;
            consumed += batch.Length;
            var t = Stopwatch.GetTimestamp();
            var decoded = new List<(string Topic, object? Key, object? Value)>(batch.Length);
            foreach (var r in batch)
            {
                var key = r.Message.Key is null ? null : await deserializer.DeserializeAsync(r.Message.Key, false, new SerializationContext(MessageComponentType.Key, r.Topic));
                var value = r.Message.Value is null ? null : await deserializer.DeserializeAsync(r.Message.Value, false, new SerializationContext(MessageComponentType.Value, r.Topic));
                decoded.Add((r.Topic, key, value));
            }

            decode += Lap(ref t);
            var changes = decoded.Where(d => d.Topic.StartsWith(cdcTopicPrefix + ".public.", StringComparison.Ordinal))
                .Select(d => ChangeEventReader.Read(d.Topic, d.Key, d.Value)).ToList();
            read += Lap(ref t);
            var rows = new Dictionary<(string Table, int Id), object?>();
            foreach (var change in changes)
            {
                all |= Fold(state, change, rows, affected);
            }

            fold += Lap(ref t);
            foreach (var row in rows.Values)
            {
                if (row is not null)
                {
                    _ = JsonSerializer.Serialize(row, row.GetType(), Json);
                }
            }

            rowsJson += Lap(ref t);
            if (records.Count - consumed > catchUpThreshold)
            {
                deferred++;
                continue; // catch-up: values deferred
            }

            var changed = new List<AvailabilityChange>();
            var now = DateTimeOffset.UtcNow;
            foreach (var product in all ? AvailabilityCalculator.SellableProducts(state).ToList() : [.. affected])
            {
                foreach (var result in calculator.Compute(state, product))
                {
                    var had = last.TryGetValue(result.Key, out var previous);
                    if (had && previous == result.OnHand)
                    {
                        continue;
                    }

                    last[result.Key] = result.OnHand;
                    changed.Add(new AvailabilityChange(result, had ? previous : null, AvailabilityTrigger.OdooChange, null, null, now, null, now));
                }
            }

            affected.Clear();
            all = false;
            values += changed.Count;
            recompute += Lap(ref t);
            foreach (var change in changed)
            {
                _ = JsonSerializer.Serialize(change.Result.Inputs, Json);
            }

            inputsJson += Lap(ref t);
            foreach (var change in changed)
            {
                _ = await analytics.EncodeAsync(change, state);
            }

            encode += Lap(ref t);
        }

        return new Result(records.Count, batches, deferred, values, Span(decode), Span(read), Span(fold), Span(recompute), Span(rowsJson), Span(inputsJson), Span(encode));
    }

    /// <summary>As the runner sizes them: <paramref name="catchUpBatchSize"/> while at least that many records are left, else <paramref name="batchSize"/>.</summary>
    private static IEnumerable<ConsumeResult<byte[]?, byte[]?>[]> Batches(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records, int batchSize, int catchUpBatchSize)
    {
        for (var at = 0; at < records.Count;)
        {
            var size = Math.Min(records.Count - at, records.Count - at >= catchUpBatchSize ? Math.Max(catchUpBatchSize, batchSize) : batchSize);
            yield return Enumerable.Range(at, size).Select(i => records[i]).ToArray();
            at += size;
        }
    }

    /// <summary>AvailabilityProjector.ApplyOdooChange's fold; true when the batch needs a full recompute (topology).</summary>
    private static bool Fold(InventoryState state, RowChange change, Dictionary<(string Table, int Id), object?> rows, HashSet<int> affected)
    {
        if (change.Operation is ChangeOperation.Tombstone or ChangeOperation.Message or ChangeOperation.Truncate)
        {
            return false;
        }

        var deleted = change.Operation == ChangeOperation.Delete;
        var image = (deleted ? change.Before ?? change.Key : change.After) ?? throw new InvalidDataException("A change without a row image.");
        var id = OdooRowReader.Id(image);
        void Touch(int? a, int? b)
        {
            if (a is { } x)
            {
                affected.Add(x);
            }

            if (b is { } y)
            {
                affected.Add(y);
            }
        }

        switch (change.Table)
        {
            case "stock_quant":
                {
                    var row = deleted ? null : OdooRowReader.Quant(image);
                    var old = state.RemoveQuant(id);
                    if (row is not null)
                    {
                        state.Put(row);
                    }

                    Touch(old?.ProductId, row?.ProductId);
                    rows[(change.Table, id)] = row;
                    return false;
                }

            case "stock_move":
                {
                    var row = deleted ? null : OdooRowReader.Move(image);
                    var old = state.RemoveMove(id);
                    var kept = row is not null && state.Put(row);
                    Touch(old?.ProductId, row?.ProductId);
                    rows[(change.Table, id)] = kept ? row : null;
                    return false;
                }

            case "stock_location":
                {
                    var row = deleted ? null : OdooRowReader.Location(image);
                    if (row is null)
                    {
                        state.RemoveLocation(id);
                    }
                    else
                    {
                        state.Put(row);
                    }

                    rows[(change.Table, id)] = row;
                    return true;
                }

            case "stock_warehouse":
                {
                    var row = deleted ? null : OdooRowReader.Warehouse(image);
                    if (row is null)
                    {
                        state.RemoveWarehouse(id);
                    }
                    else
                    {
                        state.Put(row);
                    }

                    rows[(change.Table, id)] = row;
                    return true;
                }

            case "product_product":
                {
                    var row = deleted ? null : OdooRowReader.Product(image);
                    state.RemoveProduct(id);
                    if (row is not null)
                    {
                        state.Put(row);
                    }

                    Touch(id, null);
                    rows[(change.Table, id)] = row;
                    return false;
                }

            case "product_template":
                {
                    var row = deleted ? null : OdooRowReader.Template(image);
                    if (row is null)
                    {
                        state.Templates.Remove(id);
                    }
                    else
                    {
                        state.Put(row);
                    }

                    foreach (var product in state.Products.Values.Where(p => p.TemplateId == id))
                    {
                        Touch(product.Id, null);
                    }

                    rows[(change.Table, id)] = row;
                    return false;
                }

            case "sale_order":
                {
                    var row = deleted ? null : OdooRowReader.SaleOrder(image);
                    state.RemoveSaleOrder(id);
                    if (row is not null)
                    {
                        state.Put(row);
                    }

                    foreach (var product in state.ProductsOfSaleOrder(id))
                    {
                        Touch(product, null);
                    }

                    rows[(change.Table, id)] = row;
                    return false;
                }

            case "sale_order_line":
                {
                    var row = deleted ? null : OdooRowReader.SaleLine(image);
                    var old = state.RemoveSaleLine(id);
                    if (row is not null)
                    {
                        state.Put(row);
                    }

                    Touch(old?.ProductId, row?.ProductId);
                    rows[(change.Table, id)] = row;
                    return false;
                }

            default:
                return false;
        }
    }

    private static long Lap(ref long timestamp)
    {
        var now = Stopwatch.GetTimestamp();
        var elapsed = now - timestamp;
        timestamp = now;
        return elapsed;
    }

    private static TimeSpan Span(long ticks) => Stopwatch.GetElapsedTime(0, ticks);
}
