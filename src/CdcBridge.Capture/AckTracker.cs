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
    private NpgsqlLogSequenceNumber _lastTracked;

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
            var entry = new Entry(commitEnd, records, isSealed: true);
            Append(entry);
            return entry;
        }
    }

    /// <summary>
    /// Starts tracking a transaction whose record count is not known yet (a snapshot produced while it is read):
    /// count each record with <see cref="Expect"/>, then <see cref="Seal"/> it; it is never confirmable before that.
    /// </summary>
    public Entry Open(NpgsqlLogSequenceNumber commitEnd)
    {
        lock (_gate)
        {
            var entry = new Entry(commitEnd, 0, isSealed: false);
            Append(entry);
            return entry;
        }
    }

    /// <summary>
    /// Holds the confirmable LSN where it is until the hold is acknowledged: nothing tracked after it is confirmed
    /// meanwhile (an incremental snapshot keeps its signal in the slot, so a restart replays it).
    /// </summary>
    public Entry Hold()
    {
        lock (_gate)
        {
            var entry = new Entry(_lastTracked, 1, isSealed: true);
            Append(entry);
            return entry;
        }
    }

    public void Expect(Entry entry)
    {
        lock (_gate)
        {
            entry.Outstanding++;
        }
    }

    public void Seal(Entry entry)
    {
        lock (_gate)
        {
            entry.Sealed = true;
            Advance();
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

    private void Append(Entry entry)
    {
        _open.AddLast(entry);
        if (entry.CommitEnd > _lastTracked)
        {
            _lastTracked = entry.CommitEnd;
        }

        Advance();
    }

    private void Advance()
    {
        while (_open.First is { } first && first.Value.Sealed && first.Value.Outstanding <= 0)
        {
            if (first.Value.CommitEnd > _confirmable)
            {
                _confirmable = first.Value.CommitEnd;
            }

            _open.RemoveFirst();
        }
    }

    internal sealed class Entry(NpgsqlLogSequenceNumber commitEnd, int outstanding, bool isSealed)
    {
        public NpgsqlLogSequenceNumber CommitEnd { get; } = commitEnd;

        public int Outstanding { get; set; } = outstanding;

        public bool Sealed { get; set; } = isSealed;
    }
}
