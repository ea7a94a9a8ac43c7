using CdcBridge.Debezium.Events;
using CdcBridge.Testing;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>The initial snapshot streams tables of any size through a bounded number of rows in memory.</summary>
public sealed class StreamingSnapshotTests(InfrastructureFixture fixture) : HarnessedCapture(fixture)
{
    private const int InFlight = 5;
    private const int FetchSize = 7;

    [Fact]
    public async Task A_snapshot_many_times_the_in_flight_bound_reads_every_row_once_marks_only_the_ends_and_never_holds_more_than_the_bound()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = Harness;
        // Enough quants for dozens of cursor fetches and hundreds of times the bound.
        await harness.ExecuteAsync("INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) " +
            "SELECT g, 1, 11, g % 17, 0, now() FROM generate_series(996000, 996999) g", ct);
        var rows = new List<(string Table, long Count)>();
        foreach (var name in harness.Settings.Tables)
        {
            rows.Add((name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..], await harness.ScalarAsync<long>($"SELECT count(*) FROM {name}", ct)));
        }

        var capture = await harness.StartCaptureAsync(o => o with { SnapshotMaxInFlight = InFlight, SnapshotFetchSize = FetchSize });
        capture.SnapshotCompleted.IsCompletedSuccessfully.Should().BeTrue("the snapshot completes: {0}", capture.Completion.Exception?.Message);

        var expected = rows.Where(r => r.Count > 0).ToList();
        using var consumer = harness.Consumer([.. expected.Select(r => harness.Topic(r.Table))]);
        var total = (int)expected.Sum(r => r.Count);
        var snapshot = (await harness.ReadUntilAsync(consumer, read => read.Count(c => c.Change.Operation == ChangeOperation.Read) >= total, ct))
            .Where(c => c.Change.Operation == ChangeOperation.Read).ToList();

        total.Should().BeGreaterThan(100 * InFlight);
        foreach (var (table, count) in expected)
        {
            var keys = snapshot.Where(c => c.Change.Table == table).Select(c => c.Key).ToList();
            keys.Should().OnlyHaveUniqueItems($"{table} is read once").And.HaveCount((int)count, $"every row of {table} is read");
        }

        // Debezium 3.0.x marks the very first record "first", the very last "last", every other "true": tables in
        // table.include.list order, each in primary-key order.
        var markers = snapshot.GroupBy(c => c.Change.Source!.Snapshot).ToDictionary(g => g.Key, g => g.ToList());
        markers.Keys.Should().BeEquivalentTo(["first", "true", "last"]);
        var first = markers["first"].Should().ContainSingle().Subject.Change;
        var last = markers["last"].Should().ContainSingle().Subject.Change;
        first.Table.Should().Be(expected[0].Table);
        first.After!.GetInt("id").Should().Be(await harness.ScalarAsync<int>($"SELECT min(id) FROM {expected[0].Table}", ct));
        last.Table.Should().Be(expected[^1].Table);
        last.After!.GetInt("id").Should().Be(await harness.ScalarAsync<int>($"SELECT max(id) FROM {expected[^1].Table}", ct));

        capture.SnapshotPeakRowsHeld.Should().BeInRange(1, InFlight, "rows are produced as they are read, never all held in memory");
    }
}
