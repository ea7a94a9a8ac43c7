namespace CdcBridge.Projections;

/// <summary>A projector's progress as the status view and <c>cdcbridge status</c> show it.</summary>
public sealed record ProjectionStatus(
    string Projector,
    long Events,
    long Batches,
    long Parked,
    long Lag,
    double LastBatchMilliseconds,
    DateTimeOffset? LastCommitAt,
    int ConsecutiveFailures,
    string? LastError)
{
    /// <summary>The loop stopped for good (a stored position outside the log); <see cref="LastError"/> says why and what to do.</summary>
    public bool Halted { get; init; }
}
