using NpgsqlTypes;

namespace CdcBridge.Capture;

/// <summary>
/// The slot may confirm a transaction's commit LSN only when Kafka acknowledged every record of it and of every
/// transaction before it. Transactions are tracked in commit order; the confirmable LSN is the end of the longest
/// fully acknowledged prefix (Wolverine's low-watermark idea applied to WAL positions).
/// </summary>
internal sealed class AckTracker
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Entry> _open = new();
    private NpgsqlLogSequenceNumber _confirmable;

    public NpgsqlLogSequenceNumber Confirmable
    {
        get
        {
            lock (_gate)
            {
                return _confirmable;
            }
        }
    }

    /// <summary>Starts tracking a transaction ending at <paramref name="commitEnd"/> with the records produced for it.</summary>
    public Entry Track(NpgsqlLogSequenceNumber commitEnd, int records)
    {
        lock (_gate)
        {
            var entry = new Entry(commitEnd, records);
            _open.AddLast(entry);
            Advance();
            return entry;
        }
    }

    public void Acknowledge(Entry entry)
    {
        lock (_gate)
        {
            entry.Outstanding--;
            Advance();
        }
    }

    private void Advance()
    {
        while (_open.First is { } first && first.Value.Outstanding <= 0)
        {
            _confirmable = first.Value.CommitEnd;
            _open.RemoveFirst();
        }
    }

    internal sealed class Entry(NpgsqlLogSequenceNumber commitEnd, int outstanding)
    {
        public NpgsqlLogSequenceNumber CommitEnd { get; } = commitEnd;

        public int Outstanding { get; set; } = outstanding;
    }
}
