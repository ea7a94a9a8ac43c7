using Npgsql;

namespace CdcBridge.DevStack.Odoo.Simulator;

public sealed record OdooSimulatorOptions
{
    /// <summary>The Odoo database the simulator writes (Npgsql keyword form).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The database name clients pass to login and execute_kw; by default the connection string's database.</summary>
    public string? Database { get; init; }

    /// <summary>The user clients log in as (must exist in res_users; the seeded retailer's administrator is <c>admin</c>).</summary>
    public string Login { get; init; } = "admin";

    /// <summary>
    /// The password (or API key) the simulator accepts for <see cref="Login"/>. A fixed development value, never a real
    /// credential: the simulator only listens on loopback.
    /// </summary>
    public string Password { get; init; } = "cdcbridge-dev-odoo";

    /// <summary>
    /// Odoo sleeps <c>uniform(0, 2^try)</c> seconds between its retries of a serialization failure; the simulator sleeps
    /// <c>uniform(0, 2^try) × this unit</c> (default 10 ms, so five tries stay well under a second).
    /// </summary>
    public TimeSpan RetryBackoffUnit { get; init; } = TimeSpan.FromMilliseconds(10);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal string EffectiveDatabase => Database ?? new NpgsqlConnectionStringBuilder(ConnectionString).Database
        ?? throw new ArgumentException("The connection string names no database.", nameof(ConnectionString));
}
