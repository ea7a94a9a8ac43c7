using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.Projections.Tests;

/// <summary>The outer loop shared by the outbox relay and the dispatchers, against the embedded PostgreSQL.</summary>
public sealed class NotificationLoopTests(RegistryInfrastructure fixture)
{
    [Fact]
    public async Task A_transient_failure_opens_a_new_listening_connection_with_growing_delays_until_a_good_cycle_starts_them_over()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await fixture.Infrastructure.CreateEmptyDatabaseAsync(ct);
        var failures = new List<(int Failures, TimeSpan Delay)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loop = new NotificationLoop(database, "LISTEN test_wake")
        {
            FirstDelay = TimeSpan.FromMilliseconds(1),
            MaxDelay = TimeSpan.FromMilliseconds(4),
            Failed = (_, n, delay) => failures.Add((n, delay)),
        };

        // Sessions 1–3 fail before a good cycle, session 4 has one and then fails, session 5 stops the loop.
        var session = 0;
        await loop.RunAsync(async (listener, succeeded, token) =>
        {
            session++;
            await using (var other = new NpgsqlConnection(database))
            {
                await other.OpenAsync(token);
                await using var notify = new NpgsqlCommand("NOTIFY test_wake", other);
                await notify.ExecuteNonQueryAsync(token);
            }

            (await listener.WaitAsync(TimeSpan.FromSeconds(10), token)).Should().BeTrue("each session's connection was set up with the LISTEN");
            if (session == 4)
            {
                succeeded();
            }

            if (session == 5)
            {
                await stop.CancelAsync();
                token.ThrowIfCancellationRequested();
            }

            throw new NpgsqlException($"session {session} lost its connection");
        }, stop.Token);

        session.Should().Be(5);
        failures.Select(f => f.Failures).Should().Equal([1, 2, 3, 1], "a good cycle starts the count over");
        failures.Select(f => f.Delay).Should().SatisfyRespectively(
            d => d.Should().BeCloseTo(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(0.25)),
            d => d.Should().BeCloseTo(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(0.5)),
            d => d.Should().BeCloseTo(TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(1)),
            d => d.Should().BeCloseTo(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(0.25)));
    }

    [Fact]
    public async Task A_failure_that_is_not_transient_ends_the_loop_with_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await fixture.Infrastructure.CreateEmptyDatabaseAsync(ct);
        var failed = 0;
        var loop = new NotificationLoop(database, "LISTEN test_wake") { Failed = (_, _, _) => failed++ };

        var run = () => loop.RunAsync((_, _, _) => throw new InvalidOperationException("a bug, not an outage"), ct);

        await run.Should().ThrowAsync<InvalidOperationException>().WithMessage("a bug, not an outage");
        failed.Should().Be(0);
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(5, 1_600)]
    [InlineData(8, 10_000)]
    [InlineData(1_000, 10_000)]
    public void A_retry_waits_first_doubled_per_failure_up_to_max_spread_by_a_quarter(int failures, int expectedMs)
    {
        var delays = Enumerable.Range(0, 200).Select(_ => RetryDelay.Jittered(failures, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10)).TotalMilliseconds).ToList();

        delays.Should().OnlyContain(d => d >= expectedMs * 0.75 && d < expectedMs * 1.25);
        delays.Distinct().Should().HaveCountGreaterThan(1, "workers that failed together must not come back together");
    }
}
