namespace CdcBridge.Orders.Odoo;

/// <summary>Which of Odoo's external APIs the client speaks.</summary>
public enum OdooApi
{
    /// <summary><c>POST /jsonrpc</c>: <c>common.login</c>, then <c>object.execute_kw</c> (Odoo up to 19; removed in Odoo 20).</summary>
    JsonRpc,

    /// <summary>
    /// Odoo 19's "JSON-2" API: <c>POST /json/2/&lt;model&gt;/&lt;method&gt;</c> with <c>Authorization: bearer &lt;API key&gt;</c> and
    /// the method's parameters by name in a JSON object (see <see cref="OdooJson2Parameters"/>).
    /// </summary>
    Json2,
}
