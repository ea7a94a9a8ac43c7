using CdcBridge.Avro.Generic;
using CdcBridge.Projections;
using Npgsql;

namespace CdcBridge.Benchmarks.Availability;

/// <summary>
/// The live projector passed through unchanged, noting for every record of <paramref name="topic"/> when its transaction
/// committed in PostgreSQL (the envelope's <c>source.ts_us</c>), when the capture produced it (the Kafka record's
/// CreateTime), when the runner handed its batch to the projector (after poll and Avro decode) and when that batch's
/// transaction had committed. That splits commit → projected into capture, queue + decode, and apply.
/// </summary>
internal sealed class StageProbe(IProjector inner, string topic) : PassThroughProjector(inner)
{
    private readonly Lock _gate = new();
    private readonly List<RecordStages> _records = [];
    private readonly List<(DateTime Start, DateTime End, int Size)> _batches = [];
    private List<(DateTime CommittedAt, DateTime ProducedAt)> _current = [];
    private DateTime _start;
    private int _size;

    public override Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _start = DateTime.UtcNow;
        _size = batch.Records.Count;
        _current = [];
        foreach (var record in batch.Records)
        {
            if (record.Topic == topic && record.Value is GenericRecord { } envelope && envelope["source"] is GenericRecord source && source["ts_us"] is long us)
            {
                _current.Add((DateTime.UnixEpoch.AddTicks(us * 10), record.TimestampUtc));
            }
        }

        return Inner.ApplyAsync(batch, ct);
    }

    public override void Committed(ProjectionBatch batch)
    {
        var end = DateTime.UtcNow;
        lock (_gate)
        {
            _batches.Add((_start, end, _size));
            foreach (var (committed, produced) in _current)
            {
                _records.Add(new RecordStages(committed, produced, _start, end));
            }
        }

        Inner.Committed(batch);
    }

    /// <summary>Records whose transaction committed in [from, to], and the batches that started in that window.</summary>
    public (List<RecordStages> Records, List<(DateTime Start, DateTime End, int Size)> Batches) Window(DateTime from, DateTime to)
    {
        lock (_gate)
        {
            return (_records.Where(r => r.CommittedAt >= from && r.CommittedAt <= to).ToList(), _batches.Where(b => b.Start >= from && b.Start <= to).ToList());
        }
    }
}

internal sealed record RecordStages(DateTime CommittedAt, DateTime ProducedAt, DateTime BatchStart, DateTime BatchCommitted);
