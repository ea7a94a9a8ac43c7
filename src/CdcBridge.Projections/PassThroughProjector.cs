using Npgsql;

namespace CdcBridge.Projections;

/// <summary>
/// A projector that hands everything to another: the base of one that watches, times or interrupts another's batches
/// (the bench's probes, the crash tests) and overrides only <see cref="ApplyAsync"/> or <see cref="Committed"/>.
/// </summary>
public abstract class PassThroughProjector(IProjector inner) : IProjector
{
    protected IProjector Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public string Name => Inner.Name;

    public IReadOnlyList<string> Topics => Inner.Topics;

    public bool SpansPartitions => Inner.SpansPartitions;

    public Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken ct) => Inner.EnsureSchemaAsync(connection, ct);

    public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) => Inner.ResetAsync(connection, transaction, ct);

    public Task LoadAsync(NpgsqlConnection connection, CancellationToken ct) => Inner.LoadAsync(connection, ct);

    public virtual Task ApplyAsync(ProjectionBatch batch, CancellationToken ct) => Inner.ApplyAsync(batch, ct);

    public virtual void Committed(ProjectionBatch batch) => Inner.Committed(batch);
}
