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
}
