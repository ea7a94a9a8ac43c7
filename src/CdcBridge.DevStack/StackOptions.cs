using CdcBridge.DevStack.Odoo;

namespace CdcBridge.DevStack;

/// <summary>How <c>cdcbridge dev</c> builds the embedded stack.</summary>
public sealed record StackOptions
{
    /// <summary>Where the stack keeps its state (PostgreSQL cluster, logs, endpoints.json). Gitignored.</summary>
    public string StateDirectory { get; init; } = ".cdcbridge";

    public int KafkaBrokers { get; init; } = 3;

    /// <summary>The retailer seeded into a new <c>odoo</c> database (an existing one is kept as it is).</summary>
    public SeedOptions Seed { get; init; } = new();

    /// <summary>Drop the <c>odoo</c> and <c>cdcbridge</c> databases and start over.</summary>
    public bool Reset { get; init; }
}
