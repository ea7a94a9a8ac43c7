using Npgsql;

namespace CdcBridge.DevStack.Odoo;

/// <summary>Turns an empty database into Odoo's: the schema subset, the CDC publication and, if asked, the seeded retailer.</summary>
public static class OdooDatabase
{
    /// <summary>All or nothing: one transaction, so an interrupted run leaves the database empty, not half made.</summary>
    public static async Task<SeedSummary?> CreateAsync(NpgsqlConnection connection, SeedOptions? seed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await OdooSchema.InstallAsync(connection, ct);
        var summary = seed is null ? null : await RetailerSeed.WriteAsync(connection, seed, ct);
        await transaction.CommitAsync(ct);
        return summary;
    }
}
