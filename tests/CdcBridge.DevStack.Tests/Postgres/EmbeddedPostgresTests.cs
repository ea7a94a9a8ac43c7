using CdcBridge.DevStack.Odoo;
using CdcBridge.DevStack.Postgres;
using CdcBridge.Testing;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace CdcBridge.DevStack.Tests.Postgres;

public sealed class EmbeddedPostgresTests(InfrastructureFixture fixture)
{
    private readonly ITestInfrastructure _infra = fixture.Infrastructure;

    [Fact]
    public async Task The_server_runs_with_logical_wal()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(_infra.PostgresAdminConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SHOW wal_level", connection);
        (await command.ExecuteScalarAsync(ct)).Should().Be("logical");
    }

    [Fact]
    public async Task Logical_replication_streams_committed_quant_changes_with_full_old_rows_and_skips_rolled_back_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await _infra.CreateOdooDatabaseAsync(ct);
        await using var replication = new LogicalReplicationConnection(database);
        await replication.Open(ct);
        var slot = await replication.CreatePgOutputReplicationSlot(UniqueName.For("slot"), temporarySlot: true, cancellationToken: ct);

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(ct);
            await using (var rolledBack = await connection.BeginTransactionAsync(ct))
            {
                await Execute(connection, "INSERT INTO stock_quant (product_id, location_id, quantity, reserved_quantity, in_date) VALUES (1, 11, 999, 0, now())", ct);
                await rolledBack.RollbackAsync(ct);
            }

            await Execute(connection, "INSERT INTO stock_quant (id, product_id, location_id, quantity, reserved_quantity, in_date) VALUES (900001, 1, 11, 7, 0, now())", ct);
            await Execute(connection, "UPDATE stock_quant SET quantity = 5 WHERE id = 900001", ct);
            await Execute(connection, "DELETE FROM stock_quant WHERE id = 900001", ct);
        }

        var seen = new List<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(TimeSpan.FromSeconds(30));
        await foreach (var message in replication.StartReplication(slot, new PgOutputReplicationOptions(OdooSchema.PublicationName, PgOutputProtocolVersion.V1), stop.Token))
        {
            switch (message)
            {
                case InsertMessage insert:
                    seen.Add($"insert quantity={await Column(insert.NewRow, "quantity", stop.Token)}");
                    break;
                case FullUpdateMessage update:
                    var before = await Column(update.OldRow, "quantity", stop.Token);
                    seen.Add($"update quantity={before}->{await Column(update.NewRow, "quantity", stop.Token)}");
                    break;
                case FullDeleteMessage delete:
                    seen.Add($"delete quantity={await Column(delete.OldRow, "quantity", stop.Token)}");
                    break;
            }

            replication.SetReplicationStatus(message.WalEnd);
            if (seen.Count == 3)
            {
                break;
            }
        }

        seen.Should().Equal("insert quantity=7", "update quantity=7->5", "delete quantity=5");
    }

    [Fact]
    public async Task A_restart_keeps_the_data_and_a_server_left_behind_by_a_crash_is_stopped_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(Path.GetTempPath(), UniqueName.For("cdcbridge-pg"));
        try
        {
            var first = await EmbeddedPostgres.StartAsync(folder, ct);
            await using (var connection = new NpgsqlConnection(first.ConnectionString("postgres")))
            {
                await connection.OpenAsync(ct);
                await Execute(connection, "CREATE TABLE survivor (v text); INSERT INTO survivor VALUES ('kept')", ct);
            }

            // No StopAsync: as if the process that started it had been killed. The next start must take over.
            NpgsqlConnection.ClearAllPools();
            var second = await EmbeddedPostgres.StartAsync(folder, ct);
            second.Port.Should().NotBe(0);
            await using (var connection = new NpgsqlConnection(second.ConnectionString("postgres")))
            {
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand("SELECT v FROM survivor", connection);
                (await command.ExecuteScalarAsync(ct)).Should().Be("kept");
            }

            await second.StopAsync(ct);
            File.Exists(Path.Combine(folder, "data", "postmaster.pid")).Should().BeFalse("the server is stopped");
        }
        finally
        {
            await EmbeddedPostgres.StopLeftoverAsync(folder, CancellationToken.None);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Reads a whole tuple (values stream in order and must all be consumed) and returns one column.</summary>
    private static async Task<string?> Column(ReplicationTuple tuple, string name, CancellationToken ct)
    {
        string? found = null;
        await foreach (var value in tuple.WithCancellation(ct))
        {
            var text = value.IsDBNull ? null : await value.Get<string>(ct);
            if (value.GetFieldName() == name)
            {
                found = text;
            }
        }

        return found;
    }
}
