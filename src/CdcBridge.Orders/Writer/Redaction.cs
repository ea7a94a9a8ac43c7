using System.Text.RegularExpressions;

namespace CdcBridge.Orders.Writer;

/// <summary>
/// Odoo's messages can quote the values they refused (a constraint's DETAIL names the key); reasons go to logs and
/// status pages, so anything that looks like an email address is masked first.
/// </summary>
internal static partial class Redaction
{
    public static string Redact(string text) => Email().Replace(text, "<email>");

    [GeneratedRegex(@"[^\s<>()\[\]=,;:""']+@[^\s<>()\[\]=,;:""']+")]
    private static partial Regex Email();
}
