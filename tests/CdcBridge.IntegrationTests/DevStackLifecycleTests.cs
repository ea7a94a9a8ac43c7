using CdcBridge.DevStack;
using CdcBridge.DevStack.Postgres;
using CdcBridge.Testing;
using Npgsql;

namespace CdcBridge.IntegrationTests;

/// <summary>What a user sees: <c>cdcbridge dev</c> comes up, tools find it through endpoints.json, and it goes away
/// without leaving a process behind, however it is stopped.</summary>
public sealed class DevStackLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string _state = Path.Combine(Path.GetTempPath(), UniqueName.For("cdcbridge-dev"));

    [Fact]
    public async Task Dev_comes_up_with_three_brokers_and_a_seeded_logical_odoo_and_dev_stop_leaves_nothing_running()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dev = CdcBridgeProcess.Start("dev", "--state-dir", _state, "--products", "150", "--quiet");
        await dev.WaitForOutputAsync("CdcBridge embedded stack is up.", StartTimeout, ct);

        var endpoints = await StackEndpoints.TryReadAsync(_state, ct);
        endpoints.Should().NotBeNull("a running stack publishes endpoints.json");

        var metadata = await ProcessRunner.RunAsync("kcat", ["-b", endpoints!.Kafka.Bootstrap, "-L", "-m", "10"], ct);
        metadata.Should().Contain(" 3 brokers:");

        await using (var odoo = new NpgsqlConnection(endpoints.Postgres.Odoo))
        {
            await odoo.OpenAsync(ct);
            await using var quants = new NpgsqlCommand("SELECT count(*) FROM stock_quant WHERE quantity > 0", odoo);
            ((long)(await quants.ExecuteScalarAsync(ct))!).Should().BePositive();
            await using var wal = new NpgsqlCommand("SHOW wal_level", odoo);
            (await wal.ExecuteScalarAsync(ct)).Should().Be("logical");
        }

        await using (var sidecar = new NpgsqlConnection(endpoints.Postgres.Sidecar))
        {
            await sidecar.OpenAsync(ct);
        }

        NpgsqlConnection.ClearAllPools();
        var (exitCode, output) = await CdcBridgeProcess.RunAsync(ct, "dev", "stop", "--state-dir", _state);
        exitCode.Should().Be(0, output);
        output.Should().Contain($"Stopped the embedded stack (pid {dev.Pid})");
        await dev.WaitForExitAsync(ct);
        dev.ExitCode.Should().Be(0, "SIGTERM is an orderly stop:\n" + dev.Output);
        dev.Output.Should().Contain("Stopped.");
        AssertNothingRuns();
    }

    [Fact]
    public async Task A_killed_dev_leaves_postgres_that_dev_stop_cleans_up_and_the_next_start_keeps_the_data()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var dev = CdcBridgeProcess.Start("dev", "--state-dir", _state, "--products", "50", "--quiet"))
        {
            await dev.WaitForOutputAsync("CdcBridge embedded stack is up.", StartTimeout, ct);
            dev.Kill(); // SIGKILL: no chance to stop its PostgreSQL
            await dev.WaitForExitAsync(ct);
        }

        File.Exists(Path.Combine(_state, "postgres", "data", "postmaster.pid")).Should().BeTrue("the killed stack's PostgreSQL still runs");
        var (exitCode, output) = await CdcBridgeProcess.RunAsync(ct, "dev", "stop", "--state-dir", _state);
        exitCode.Should().Be(0, output);
        AssertNothingRuns();

        await using var again = CdcBridgeProcess.Start("dev", "--state-dir", _state, "--products", "50", "--quiet");
        await again.WaitForOutputAsync("CdcBridge embedded stack is up.", StartTimeout, ct);
        again.Output.Should().Contain("Kept the existing odoo database");
        await CdcBridgeProcess.RunAsync(ct, "dev", "stop", "--state-dir", _state);
        await again.WaitForExitAsync(ct);
        AssertNothingRuns();
    }

    [Fact]
    public async Task Dev_rejects_an_impossible_seed_size_with_a_clear_message_and_starts_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (exitCode, output) = await CdcBridgeProcess.RunAsync(ct, "dev", "--state-dir", _state, "--warehouses", "9");
        exitCode.Should().Be(2);
        output.Should().Contain("1 to 3 warehouses");
        Directory.Exists(Path.Combine(_state, "postgres")).Should().BeFalse();
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await EmbeddedPostgres.StopLeftoverAsync(Path.Combine(_state, "postgres"), CancellationToken.None);
        if (Directory.Exists(_state))
        {
            Directory.Delete(_state, recursive: true);
        }
    }

    private void AssertNothingRuns()
    {
        File.Exists(Path.Combine(_state, "postgres", "data", "postmaster.pid")).Should().BeFalse("PostgreSQL is stopped");
        File.Exists(StackEndpoints.PathIn(_state)).Should().BeFalse("a stopped stack publishes no endpoints");
        File.Exists(Path.Combine(_state, "dev.pid")).Should().BeFalse();
    }
}
