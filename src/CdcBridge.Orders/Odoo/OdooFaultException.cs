namespace CdcBridge.Orders.Odoo;

/// <summary>
/// An Odoo call that failed. <see cref="ErrorName"/> is the Python class Odoo reports (<c>error.data.name</c>, e.g.
/// <c>odoo.exceptions.ValidationError</c>) or, for failures before Odoo answered, <c>http:502</c>, <c>network</c> or
/// <c>timeout</c>. <see cref="IsTransient"/>: the same call may succeed later (Odoo unreachable, overloaded or losing a
/// concurrency race after its own retries), and the client's retries were exhausted; otherwise retrying cannot help.
/// </summary>
public sealed class OdooFaultException : Exception
{
    public OdooFaultException()
        : this("unknown", "", isTransient: false)
    {
    }

    public OdooFaultException(string message)
        : this("unknown", message, isTransient: false)
    {
    }

    public OdooFaultException(string message, Exception innerException)
        : this("unknown", message, isTransient: false, innerException)
    {
    }

    public OdooFaultException(string errorName, string odooMessage, bool isTransient, Exception? innerException = null)
        : base(string.IsNullOrEmpty(odooMessage) ? errorName : $"{errorName}: {odooMessage.TrimEnd()}", innerException)
    {
        ErrorName = errorName;
        OdooMessage = odooMessage;
        IsTransient = isTransient;
    }

    public string ErrorName { get; }

    /// <summary>Odoo's own message (<c>error.data.message</c>), or what the client saw.</summary>
    public string OdooMessage { get; }

    public bool IsTransient { get; }
}
