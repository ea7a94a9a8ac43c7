namespace CdcBridge.Orders.Odoo;

/// <summary>Which Odoo errors are worth sending again.</summary>
public static class OdooErrors
{
    public const string UserError = "odoo.exceptions.UserError";
    public const string ValidationError = "odoo.exceptions.ValidationError";
    public const string AccessError = "odoo.exceptions.AccessError";
    public const string AccessDenied = "odoo.exceptions.AccessDenied";
    public const string MissingError = "odoo.exceptions.MissingError";
    public const string SerializationFailure = "psycopg2.errors.SerializationFailure";

    /// <summary>
    /// Odoo retries serialization failures, lock timeouts and deadlocks itself, 5 times, then gives up and the client
    /// sees the error (odoo.md §4); nothing was written, so the call can be sent again. A lost connection to PostgreSQL
    /// is transient too. Everything else (UserError, ValidationError, AccessError, AccessDenied, MissingError,
    /// ValueError, ...) is about the request or the data and fails the same way every time.
    /// </summary>
    private static readonly HashSet<string> TransientNames = new(StringComparer.Ordinal)
    {
        SerializationFailure,
        "psycopg2.errors.LockNotAvailable",
        "psycopg2.errors.DeadlockDetected",
        "psycopg2.extensions.TransactionRollbackError",
        "psycopg2.errors.AdminShutdown",
        "psycopg2.InterfaceError",
        "psycopg2.OperationalError",
    };

    public static bool IsTransient(string errorName, string message)
    {
        ArgumentNullException.ThrowIfNull(errorName);
        if (!TransientNames.Contains(errorName))
        {
            return false;
        }

        // An unknown database is an OperationalError too, but a configuration mistake that no retry mends.
        return !(errorName == "psycopg2.OperationalError" && (message ?? "").Contains("does not exist", StringComparison.Ordinal));
    }
}
