using System.Runtime.InteropServices;

namespace CdcBridge.DevStack.Postgres;

/// <summary>
/// PostgreSQL refuses to run as root. When we are root, the server programs run as the unprivileged
/// <c>postgres</c> user (created by Debian's postgresql package) through <c>runuser</c>, and own the data folder.
/// </summary>
internal sealed partial class ServerUser
{
    private const string UnprivilegedUser = "postgres";

    private ServerUser(bool dropPrivileges) => DropPrivileges = dropPrivileges;

    public bool DropPrivileges { get; }

    public static ServerUser Current()
    {
        if (Geteuid() != 0)
        {
            return new ServerUser(false);
        }

        var known = File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(l => l.StartsWith(UnprivilegedUser + ":", StringComparison.Ordinal));
        if (!known)
        {
            throw new InvalidOperationException(
                "Running as root, the embedded PostgreSQL needs the unprivileged 'postgres' user to run the server. " +
                "Install Debian's postgresql package (it creates the user) or run as a normal user.");
        }

        return new ServerUser(true);
    }

    /// <summary>The command line that runs <paramref name="program"/> as the server user.</summary>
    public (string FileName, IReadOnlyList<string> Arguments) Wrap(string program, IEnumerable<string> arguments) =>
        DropPrivileges
            ? ("runuser", ["-u", UnprivilegedUser, "--", program, .. arguments])
            : (program, [.. arguments]);

    /// <summary>Hands a folder to the server user (a no-op when we are not root).</summary>
    public async Task OwnAsync(string path, CancellationToken ct)
    {
        if (DropPrivileges)
        {
            await ProcessRunner.RunAsync("chown", ["-R", $"{UnprivilegedUser}:{UnprivilegedUser}", path], ct);
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint Geteuid();
}
