namespace CdcBridge.Orders.Intake;

/// <summary>
/// The body of an authentic delivery is not an order the intake can read. The message names the problem and the field
/// path (e.g. <c>line_items[1].price is not a decimal</c>), never a value: payloads carry personal data.
/// </summary>
public sealed class InvalidWebhookPayloadException : Exception
{
    public InvalidWebhookPayloadException()
    {
    }

    public InvalidWebhookPayloadException(string message)
        : base(message)
    {
    }

    public InvalidWebhookPayloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
