using System.Globalization;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Odoo.Simulator;

/// <summary>
/// An exception as Odoo 17 serialises it into a JSON-RPC error (<c>odoo.http.serialize_exception</c>): <c>name</c> is the
/// Python class path (<c>odoo.exceptions.ValidationError</c>), <c>message</c> is <c>str(exc)</c>, <c>arguments</c> is
/// <c>exc.args</c>. The simulator raises these where Odoo would raise the same class with the same message.
/// </summary>
public sealed class OdooRpcException : Exception
{
    public const string UserErrorName = "odoo.exceptions.UserError";
    public const string ValidationErrorName = "odoo.exceptions.ValidationError";
    public const string AccessErrorName = "odoo.exceptions.AccessError";
    public const string AccessDeniedName = "odoo.exceptions.AccessDenied";
    public const string MissingErrorName = "odoo.exceptions.MissingError";
    public const string SerializationFailureName = "psycopg2.errors.SerializationFailure";

    public OdooRpcException()
        : this(UserErrorName, "")
    {
    }

    public OdooRpcException(string message)
        : this(UserErrorName, message)
    {
    }

    public OdooRpcException(string message, Exception innerException)
        : base(message, innerException)
    {
        Name = UserErrorName;
        Arguments = [message];
    }

    public OdooRpcException(string name, string message, JsonArray? arguments = null)
        : base(message)
    {
        Name = name;
        Arguments = arguments ?? [message];
    }

    /// <summary>The Python class path, e.g. <c>odoo.exceptions.ValidationError</c>.</summary>
    public string Name { get; }

    /// <summary><c>exc.args</c>.</summary>
    public JsonArray Arguments { get; }

    public static OdooRpcException UserError(string message) => new(UserErrorName, message);

    public static OdooRpcException Validation(string message) => new(ValidationErrorName, message);

    public static OdooRpcException Access(string message) => new(AccessErrorName, message);

    /// <summary>What <c>security.check</c> raises for a bad uid or password on the object service.</summary>
    public static OdooRpcException AccessDenied() => new(AccessDeniedName, "Access Denied");

    /// <summary>Reading or writing ids that do not exist (Odoo 17's wording).</summary>
    public static OdooRpcException Missing(string model, IEnumerable<long> ids, int uid) =>
        new(MissingErrorName, "Record does not exist or has been deleted.\n"
            + string.Create(CultureInfo.InvariantCulture, $"(Record: {model}({string.Join(", ", ids)},), User: {uid})"));

    public static OdooRpcException Value(string message) => new("builtins.ValueError", message);

    public static OdooRpcException Type(string message) => new("builtins.TypeError", message);

    /// <summary>A behaviour of Odoo the simulator does not reproduce (named plainly, never disguised as an Odoo error).</summary>
    public static OdooRpcException NotSimulated(string what) => new("builtins.NotImplementedError", "Odoo simulator: " + what + " is not simulated");

    /// <summary>What the client sees once Odoo's own retries of a serialization failure are exhausted.</summary>
    public static OdooRpcException SerializationFailure() =>
        new(SerializationFailureName, "could not serialize access due to concurrent update\n");

    /// <summary>The JSON-RPC <c>error</c> member Odoo answers with (HTTP 200, code 200, "Odoo Server Error").</summary>
    public JsonObject ToJsonRpcError()
    {
        return new JsonObject
        {
            ["code"] = 200,
            ["message"] = "Odoo Server Error",
            ["data"] = ToJson2Error(),
        };
    }

    /// <summary>
    /// The body of a JSON-2 error answer (Odoo 19, with a 4xx/5xx status): <c>{"name", "message", "arguments",
    /// "context", "debug"}</c>, the same object as JSON-RPC's <c>error.data</c>.
    /// </summary>
    public JsonObject ToJson2Error() => new()
    {
        ["name"] = Name,
        ["debug"] = "Traceback (most recent call last):\n  File \"odoo/http.py\", in _serve_db\n  (Odoo simulator: no Python stack)\n"
            + Name + ": " + Message + "\n",
        ["message"] = Message,
        ["arguments"] = Arguments.DeepClone(),
        ["context"] = new JsonObject(),
    };
}
