using CdcBridge.Capture;
using NpgsqlTypes;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>The slot may only confirm what Kafka acknowledged, with everything before it.</summary>
public sealed class AckTrackerTests
{
    [Fact]
    public void Only_the_fully_acknowledged_prefix_of_transactions_is_confirmable_whatever_order_acks_arrive_in()
    {
        var tracker = new AckTracker();
        var first = tracker.Track(new NpgsqlLogSequenceNumber(100), 2);
        var second = tracker.Track(new NpgsqlLogSequenceNumber(200), 1);
        var third = tracker.Track(new NpgsqlLogSequenceNumber(300), 1);

        tracker.Acknowledge(third);
        tracker.Acknowledge(second);
        tracker.Confirmable.Should().Be(new NpgsqlLogSequenceNumber(0), "the first transaction still has a record in flight");

        tracker.Acknowledge(first);
        tracker.Confirmable.Should().Be(new NpgsqlLogSequenceNumber(0));
        tracker.Acknowledge(first);
        tracker.Confirmable.Should().Be(new NpgsqlLogSequenceNumber(300), "now all three are in Kafka");
    }

    [Fact]
    public void A_transaction_without_captured_records_is_confirmable_at_once_but_never_overtakes_one_in_flight()
    {
        var tracker = new AckTracker();
        tracker.Track(new NpgsqlLogSequenceNumber(50), 0);
        tracker.Confirmable.Should().Be(new NpgsqlLogSequenceNumber(50), "nothing of it had to reach Kafka");

        var busy = tracker.Track(new NpgsqlLogSequenceNumber(100), 1);
        tracker.Track(new NpgsqlLogSequenceNumber(150), 0);
        tracker.Confirmable.Should().Be(new NpgsqlLogSequenceNumber(50), "an empty transaction waits for the one in flight before it");

        tracker.Acknowledge(busy);
        tracker.Confirmable.Should().Be(new NpgsqlLogSequenceNumber(150));
    }

    [Fact]
    public void An_open_transaction_is_never_confirmable_before_it_is_sealed_even_with_every_record_so_far_acknowledged()
    {
        var tracker = new AckTracker();
        var snapshot = tracker.Open(new NpgsqlLogSequenceNumber(100));
        tracker.Expect(snapshot);
        tracker.Acknowledge(snapshot);
        tracker.Confirmable.Should().Be(new NpgsqlLogSequenceNumber(0), "more records may follow until it is sealed");

        tracker.Expect(snapshot);
        tracker.Seal(snapshot);
        tracker.Confirmable.Should().Be(new NpgsqlLogSequenceNumber(0), "its last record is still in flight");

        tracker.Acknowledge(snapshot);
        tracker.Confirmable.Should().Be(new NpgsqlLogSequenceNumber(100));
    }

    [Fact]
    public void A_hold_keeps_the_confirmable_lsn_where_it_was_until_released()
    {
        var tracker = new AckTracker();
        tracker.Track(new NpgsqlLogSequenceNumber(100), 0);
        var hold = tracker.Hold();
        tracker.Track(new NpgsqlLogSequenceNumber(200), 0);
        tracker.Track(new NpgsqlLogSequenceNumber(300), 0);
        tracker.Confirmable.Should().Be(new NpgsqlLogSequenceNumber(100), "nothing after the hold is confirmed while it holds");

        tracker.Acknowledge(hold);
        tracker.Confirmable.Should().Be(new NpgsqlLogSequenceNumber(300));
    }
}
