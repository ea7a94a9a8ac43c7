using CdcBridge.Debezium.Events;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.DevStack.Tests.Capture;

/// <summary>
/// PostgreSQL prints dates and timestamps in the session's DateStyle, and a database or server may default to another
/// than ISO. The capture reads ISO, so it must ask for it: a quant written under 'SQL, DMY' still carries its time.
/// </summary>
public sealed class DateStyleTests(InfrastructureFixture fixture) : HarnessedCapture(fixture)
{
    [Fact]
    public async Task A_database_whose_datestyle_is_not_iso_is_captured_with_its_timestamps_intact()
    {
        var ct = TestContext.Current.CancellationToken;
        var harness = Harness;
        var database = new NpgsqlConnectionStringBuilder(harness.Odoo).Database;
        await harness.ExecuteAsync($"ALTER DATABASE \"{database}\" SET DateStyle = 'SQL, DMY'", ct);
        // Day 22 cannot be a month: read as MM/dd it fails, read as anything else it is a different instant.
        await using (var fresh = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(harness.Odoo) { Pooling = false }.ConnectionString))
        {
            await fresh.OpenAsync(ct);
            await using var show = new NpgsqlCommand("SELECT current_setting('DateStyle') || ' | ' || '2026-11-22 10:15:30.25'::timestamp::text", fresh);
            ((string)(await show.ExecuteScalarAsync(ct))!).Should().Be("SQL, DMY | 22/11/2026 10:15:30.25", "new sessions print SQL, DMY");
        }

        var capture = await harness.StartCaptureAsync();
        capture.SnapshotCompleted.IsCompletedSuccessfully.Should().BeTrue("the snapshot reads every quant's in_date: {0}", capture.Completion.Exception?.Message);
        await harness.ExecuteAsync("INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES (994001, 1, 11, 2, 0, '2026-11-22 10:15:30.25')", ct);

        using var consumer = harness.Consumer(harness.Topic("stock_quant"));
        var read = await harness.ReadUntilAsync(consumer, r => r.Any(c => c.Change.Key?.GetInt("id") == 994001), ct);

        var created = read.Single(c => c.Change.Key?.GetInt("id") == 994001).Change;
        created.Operation.Should().Be(ChangeOperation.Create);
        created.After!.GetDateTime("in_date").Should().Be(new DateTime(2026, 11, 22, 10, 15, 30, 250, DateTimeKind.Utc));
    }
}
