namespace CdcBridge.Projections;

/// <summary>
/// The stored position was not where this writer left it: another instance of the projector has written since
/// (Marten's guarded progress update). The batch is rolled back; the writer reloads and continues from the stored position.
/// </summary>
public sealed class StaleProjectionWriterException : Exception
{
    public StaleProjectionWriterException()
    {
    }

    public StaleProjectionWriterException(string message)
        : base(message)
    {
    }

    public StaleProjectionWriterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// The projection was reset under another epoch since this writer started (another instance rebuilt it): this
    /// writer's records and code are of the old generation and must not write again.
    /// </summary>
    public bool Rebuilt { get; init; }
}
