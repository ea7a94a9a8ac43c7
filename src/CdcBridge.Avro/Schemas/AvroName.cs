using System.Text.RegularExpressions;

namespace CdcBridge.Avro.Schemas;

/// <summary>A full name: the simple name and its namespace (empty for the null namespace).</summary>
public readonly partial record struct AvroName(string Name, string Namespace)
{
    public string FullName => Namespace.Length == 0 ? Name : $"{Namespace}.{Name}";

    /// <summary>Resolves a name as written in a schema: a dotted name carries its own namespace.</summary>
    public static AvroName Resolve(string name, string? enclosingNamespace)
    {
        var dot = name.LastIndexOf('.');
        var result = dot >= 0 ? new AvroName(name[(dot + 1)..], name[..dot]) : new AvroName(name, enclosingNamespace ?? "");
        result.Validate();
        return result;
    }

    public void Validate()
    {
        if (!IdentifierPattern().IsMatch(Name))
        {
            throw new AvroSchemaException($"'{Name}' is not a valid Avro name: it must start with [A-Za-z_] and continue with [A-Za-z0-9_].");
        }

        if (Namespace.Length > 0 && Namespace.Split('.').Any(part => !IdentifierPattern().IsMatch(part)))
        {
            throw new AvroSchemaException($"'{Namespace}' is not a valid Avro namespace.");
        }
    }

    public static bool IsValidIdentifier(string name) => IdentifierPattern().IsMatch(name);

    public override string ToString() => FullName;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierPattern();
}
