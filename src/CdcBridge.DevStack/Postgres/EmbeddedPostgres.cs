using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace CdcBridge.DevStack.Postgres;

/// <summary>
/// A private PostgreSQL cluster in a folder of its own (<c>initdb</c> on first start), listening on loopback on a
/// free port with its own socket folder and <c>wal_level=logical</c>. The superuser's password is generated once and
/// kept beside the cluster; clients connect with scram-sha-256 over TCP.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string SuperUser = "cdcbridge";

    // Dev and test settings: logical replication with room for many slots, and durability traded for speed
    // (a dev cluster that loses its last transactions in an OS crash is rebuilt by the next start). Commits stay
    // synchronous: logical decoding only sees flushed WAL, and an asynchronous commit waits for the WAL writer
    // (wal_writer_delay, 200 ms), which would show as capture latency that production does not have.
    private static readonly string[] ServerSettings =
    [
        "listen_addresses = '127.0.0.1'",
        "wal_level = logical",
        "max_wal_senders = 40",
        "max_replication_slots = 40",
        "max_connections = 300",
        "shared_buffers = 128MB",
        "fsync = off",
        "full_page_writes = off",
        "max_locks_per_transaction = 256",
        "log_min_messages = warning",
        "timezone = 'UTC'",
    ];

    private readonly string _binDir;
    private readonly ServerUser _user;
    private readonly string _dataDir;
    private readonly string _socketDir;
    private readonly string _logFile;
    private bool _running;

    private EmbeddedPostgres(string root, string binDir, ServerUser user, string password)
    {
        RootDirectory = root;
        _binDir = binDir;
        _user = user;
        Password = password;
        _dataDir = Path.Combine(root, "data");
        _logFile = Path.Combine(root, "server.log");
        _socketDir = ChooseSocketDirectory(root);
    }

    public string RootDirectory { get; }

    public int Port { get; private set; }

    public static string Host => "127.0.0.1";

    internal string Password { get; }

    /// <summary>An Npgsql keyword connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Database = database,
        Username = SuperUser,
        Password = Password,
    }.ConnectionString;

    /// <summary>Initialises the cluster under <paramref name="rootDirectory"/> if needed and starts it.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(string rootDirectory, CancellationToken ct = default)
    {
        var root = Path.GetFullPath(rootDirectory);
        Directory.CreateDirectory(root);
        var user = ServerUser.Current();
        if (user.DropPrivileges)
        {
            EnsureTraversable(root);
        }

        var password = LoadOrCreatePassword(root);
        var server = new EmbeddedPostgres(root, PostgresBinaries.Locate(), user, password);
        await server.StopStaleServerAsync(ct);
        await server.InitIfNeededAsync(ct);
        await server.StartServerAsync(ct);
        return server;
    }

    public async Task CreateDatabaseIfMissingAsync(string database, string? template = null, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(ct) is not null)
        {
            return;
        }

        var sql = $"CREATE DATABASE \"{database}\"" + (template is null ? "" : $" TEMPLATE \"{template}\"");
        await using var create = new NpgsqlCommand(sql, connection);
        await create.ExecuteNonQueryAsync(ct);
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        NpgsqlConnection.ClearAllPools();
        await RunServerProgramAsync("pg_ctl", ["stop", "-D", _dataDir, "-m", "fast", "-w", "-t", "60"], ct, allowFailure: true);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Stops a server a crashed earlier run left behind in this folder (pg_ctl finds it by postmaster.pid).</summary>
    public static async Task StopLeftoverAsync(string rootDirectory, CancellationToken ct = default)
    {
        var root = Path.GetFullPath(rootDirectory);
        if (!File.Exists(Path.Combine(root, "data", "postmaster.pid")))
        {
            return;
        }

        var server = new EmbeddedPostgres(root, PostgresBinaries.Locate(), ServerUser.Current(), "");
        await server.StopStaleServerAsync(ct);
    }

    private async Task StopStaleServerAsync(CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(_dataDir, "postmaster.pid")))
        {
            return;
        }

        var (exitCode, _, _) = await TryRunServerProgramAsync("pg_ctl", ["status", "-D", _dataDir], ct);
        if (exitCode == 0)
        {
            await RunServerProgramAsync("pg_ctl", ["stop", "-D", _dataDir, "-m", "fast", "-w", "-t", "60"], ct);
        }
    }

    private async Task InitIfNeededAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(_dataDir, "PG_VERSION")))
        {
            return;
        }

        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true); // a half-made cluster from an interrupted initdb
        }

        Directory.CreateDirectory(_dataDir);
        var passwordFile = Path.Combine(RootDirectory, "initdb-password.tmp");
        await File.WriteAllTextAsync(passwordFile, Password, ct);
        try
        {
            await _user.OwnAsync(RootDirectory, ct);
            await RunServerProgramAsync("initdb",
            [
                "-D", _dataDir, "-U", SuperUser, $"--pwfile={passwordFile}", "--auth=scram-sha-256",
                "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions",
            ], ct);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        await File.AppendAllLinesAsync(Path.Combine(_dataDir, "postgresql.conf"), ["", "# CdcBridge embedded defaults", .. ServerSettings], ct);
        // Logical replication connections from loopback (initdb's default lines cover them; made explicit here).
        await File.AppendAllLinesAsync(Path.Combine(_dataDir, "pg_hba.conf"),
            ["host replication all 127.0.0.1/32 scram-sha-256", "host all all 127.0.0.1/32 scram-sha-256"], ct);
        await _user.OwnAsync(_dataDir, ct);
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_socketDir);
        await _user.OwnAsync(_socketDir, ct);
        if (!File.Exists(_logFile))
        {
            await File.WriteAllTextAsync(_logFile, "", ct);
        }

        await _user.OwnAsync(_logFile, ct);

        // A free port can be taken by someone else between our probe and the server's bind: try a few.
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = FreeLoopbackPort();
            var (exitCode, stdout, stderr) = await TryRunServerProgramAsync("pg_ctl",
            [
                "start", "-D", _dataDir, "-l", _logFile, "-w", "-t", "60", "-o", $"-p {port} -k {_socketDir}",
            ], ct);
            if (exitCode == 0)
            {
                Port = port;
                _running = true;
                return;
            }

            last = new InvalidOperationException(
                $"PostgreSQL did not start (pg_ctl exit {exitCode}): {stderr.Trim()} {stdout.Trim()}. Server log: {_logFile}");
        }

        throw last!;
    }

    private Task<string> RunServerProgramAsync(string program, IEnumerable<string> arguments, CancellationToken ct, bool allowFailure = false)
    {
        var (file, args) = _user.Wrap(Path.Combine(_binDir, program), arguments);
        return ProcessRunner.RunAsync(file, args, ct, allowFailure);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> TryRunServerProgramAsync(string program, IEnumerable<string> arguments, CancellationToken ct)
    {
        var (file, args) = _user.Wrap(Path.Combine(_binDir, program), arguments);
        return ProcessRunner.TryRunAsync(file, args, ct);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string LoadOrCreatePassword(string root)
    {
        var file = Path.Combine(root, "superuser-password");
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(18)).ToLowerInvariant();
        File.WriteAllText(file, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return password;
    }

    // Unix socket paths are limited to 107 bytes; deep checkouts fall back to a short folder under /tmp.
    private static string ChooseSocketDirectory(string root)
    {
        var preferred = Path.Combine(root, "run");
        if (preferred.Length + "/.s.PGSQL.65535".Length < 100)
        {
            return preferred;
        }

        var hash = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(root)))[..12].ToLowerInvariant();
        return Path.Combine(Path.GetTempPath(), $"cdcbridge-pg-{hash}");
    }

    private static void EnsureTraversable(string root)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        for (var dir = Path.GetDirectoryName(root); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0)
            {
                throw new InvalidOperationException(
                    $"The embedded PostgreSQL runs as the 'postgres' user, which cannot enter '{dir}'. " +
                    "Use a state folder it can reach (CDCBRIDGE_STATE_DIR=/tmp/cdcbridge) or run as a normal user.");
            }
        }
    }
}
