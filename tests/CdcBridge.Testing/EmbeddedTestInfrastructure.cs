using CdcBridge.DevStack.Kafka;
using CdcBridge.DevStack.Postgres;

namespace CdcBridge.Testing;

/// <summary>The embedded stack's parts, private to one test run: a PostgreSQL cluster in a temp folder and an
/// in-process broker cluster. A run killed before cleanup leaves a folder the next run's sweep removes.</summary>
public sealed class EmbeddedTestInfrastructure : ITestInfrastructure
{
    private const string FolderPrefix = "cdcbridge-test-";
    private readonly EmbeddedPostgres _postgres;
    private readonly EmbeddedKafka _kafka;
    private readonly PostgresDatabases _databases;
    private readonly string _folder;

    private EmbeddedTestInfrastructure(string folder, EmbeddedPostgres postgres, EmbeddedKafka kafka)
    {
        _folder = folder;
        _postgres = postgres;
        _kafka = kafka;
        _databases = new PostgresDatabases(PostgresAdminConnectionString);
    }

    public string Kind => "embedded";

    public string KafkaBootstrap => _kafka.BootstrapServers;

    public IKafkaFaults? KafkaFaults => _kafka;

    public string PostgresAdminConnectionString => _postgres.ConnectionString("postgres");

    public static async Task<EmbeddedTestInfrastructure> StartAsync(CancellationToken ct = default)
    {
        await SweepLeftoversAsync(ct);
        var folder = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..(FolderPrefix.Length + 20)]);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        var postgres = await EmbeddedPostgres.StartAsync(Path.Combine(folder, "postgres"), ct);
        return new EmbeddedTestInfrastructure(folder, postgres, EmbeddedKafka.Start(3));
    }

    public Task CreateTopicAsync(string topic, int partitions, CancellationToken ct = default)
    {
        _kafka.CreateTopic(topic, partitions);
        return Task.CompletedTask;
    }

    public Task<string> CreateOdooDatabaseAsync(CancellationToken ct = default) => _databases.CreateOdooAsync(ct);

    public Task<string> CreateEmptyDatabaseAsync(CancellationToken ct = default) => _databases.CreateEmptyAsync(ct);

    public async ValueTask DisposeAsync()
    {
        _databases.Dispose();
        _kafka.Dispose();
        await _postgres.StopAsync();
        TryDelete(_folder);
    }

    /// <summary>Stops servers and removes folders of earlier test runs whose process is gone.</summary>
    private static async Task SweepLeftoversAsync(CancellationToken ct)
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var pidFile = Path.Combine(dir, "owner.pid");
            if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile, ct), out var pid) && IsAlive(pid))
            {
                continue;
            }

            await EmbeddedPostgres.StopLeftoverAsync(Path.Combine(dir, "postgres"), ct);
            TryDelete(dir);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the next run's sweep tries again.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
