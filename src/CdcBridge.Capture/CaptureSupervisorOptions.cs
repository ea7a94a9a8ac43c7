namespace CdcBridge.Capture;

/// <summary>How <see cref="CaptureSupervisor"/> waits before starting a stopped capture again.</summary>
public sealed record CaptureSupervisorOptions
{
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), $"The retry delay must be positive and at most the maximum ({RetryDelay} .. {MaxRetryDelay}).");
        }
    }
}
