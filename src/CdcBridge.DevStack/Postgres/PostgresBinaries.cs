namespace CdcBridge.DevStack.Postgres;

/// <summary>Finds the PostgreSQL server programs (initdb, pg_ctl): CDCBRIDGE_PG_BIN, else the newest Debian install.</summary>
public static class PostgresBinaries
{
    public static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("CDCBRIDGE_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new InvalidOperationException($"CDCBRIDGE_PG_BIN='{configured}' holds no initdb.");
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(x => x.Version >= 13 && File.Exists(Path.Combine(x.Dir, "initdb")))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server programs (initdb, pg_ctl) were not found. Install them with 'sudo apt-get install postgresql' " +
            "(make run and make test do this) or point CDCBRIDGE_PG_BIN at their folder.");
    }
}
