using Npgsql;

namespace CdcBridge.IntegrationTests;

/// <summary><c>cdcbridge odoo seed</c> turns any empty database into Odoo's (what docker-compose's odoo-seed runs).</summary>
public sealed class OdooSeedCommandTests(RunningStack stack) : IClassFixture<RunningStack>
{
    [Fact]
    public async Task Odoo_seed_fills_an_empty_database_once_and_leaves_an_existing_one_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = $"seeded_{Guid.NewGuid():N}"[..20];
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(stack.Endpoints.Postgres.Sidecar) { Database = "postgres" }.ConnectionString))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync(ct);
        }

        var target = new NpgsqlConnectionStringBuilder(stack.Endpoints.Postgres.Sidecar) { Database = database }.ConnectionString;
        var (first, firstOutput) = await CdcBridgeProcess.RunAsync(ct, "odoo", "seed", "--connection", target, "--products", "30");
        first.Should().Be(0, firstOutput);
        firstOutput.Should().Contain("Seeded 30 products");

        var (second, secondOutput) = await CdcBridgeProcess.RunAsync(ct, "odoo", "seed", "--connection", target, "--products", "30");
        second.Should().Be(0, secondOutput);
        secondOutput.Should().Contain("already there");
        await using var odoo = new NpgsqlConnection(target);
        await odoo.OpenAsync(ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM product_product", odoo);
        ((long)(await count.ExecuteScalarAsync(ct))!).Should().Be(30);
    }

    [Fact]
    public async Task Odoo_seed_says_clearly_when_it_cannot_connect()
    {
        var ct = TestContext.Current.CancellationToken;
        var (code, output) = await CdcBridgeProcess.RunAsync(ct, "odoo", "seed", "--connection", "Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x;Timeout=2");
        code.Should().Be(1);
        output.Should().Contain("cannot connect to the Odoo database");
    }
}
