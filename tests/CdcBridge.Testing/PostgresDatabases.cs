using CdcBridge.DevStack.Odoo;
using Npgsql;

namespace CdcBridge.Testing;

/// <summary>Per-test databases on one server: Odoo databases are cloned from a template seeded once per run.</summary>
internal sealed class PostgresDatabases(string adminConnectionString) : IDisposable
{
    private readonly SemaphoreSlim _templateGate = new(1, 1);
    private readonly string _template = UniqueName.For("odoo_template");
    private bool _templateReady;

    public async Task<string> CreateOdooAsync(CancellationToken ct)
    {
        await EnsureTemplateAsync(ct);
        // CREATE DATABASE ... TEMPLATE needs the template to have no other sessions: serialise the clones.
        await _templateGate.WaitAsync(ct);
        try
        {
            return await CreateAsync(UniqueName.For("odoo"), _template, ct);
        }
        finally
        {
            _templateGate.Release();
        }
    }

    public void Dispose() => _templateGate.Dispose();

    public Task<string> CreateEmptyAsync(CancellationToken ct) => CreateAsync(UniqueName.For("db"), null, ct);

    private async Task EnsureTemplateAsync(CancellationToken ct)
    {
        await _templateGate.WaitAsync(ct);
        try
        {
            if (_templateReady)
            {
                return;
            }

            var connectionString = await CreateAsync(_template, null, ct);
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(ct);
                await OdooDatabase.CreateAsync(connection, TestRetailer.Options, ct);
            }

            NpgsqlConnection.ClearAllPools();
            _templateReady = true;
        }
        finally
        {
            _templateGate.Release();
        }
    }

    private async Task<string> CreateAsync(string name, string? template, CancellationToken ct)
    {
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync(ct);
        var sql = $"CREATE DATABASE \"{name}\"" + (template is null ? "" : $" TEMPLATE \"{template}\"");
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync(ct);
        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }
}
