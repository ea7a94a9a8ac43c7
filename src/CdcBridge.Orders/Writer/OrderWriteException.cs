namespace CdcBridge.Orders.Writer;

/// <summary>
/// An order the writer could not take into Odoo. <see cref="IsPermanent"/>: the data needs an operator (an unknown SKU,
/// a missing shipping product, a ValidationError, an AccessError); sending it again unchanged fails the same way.
/// Otherwise Odoo was unreachable or overloaded after the client's retries and a later attempt may succeed.
/// <see cref="Reason"/> is meant for operators and logs: it names SKUs, line ids and Odoo's error, never the buyer.
/// </summary>
public sealed class OrderWriteException : Exception
{
    public OrderWriteException()
        : this("the order could not be written", isPermanent: false)
    {
    }

    public OrderWriteException(string message)
        : this(message, isPermanent: false)
    {
    }

    public OrderWriteException(string message, Exception innerException)
        : this(message, isPermanent: false, innerException)
    {
    }

    public OrderWriteException(string reason, bool isPermanent, Exception? innerException = null)
        : base(reason, innerException)
    {
        Reason = reason;
        IsPermanent = isPermanent;
    }

    public bool IsPermanent { get; }

    public string Reason { get; }
}
