namespace CdcBridge.DevStack.Shopify.GraphQl;

/// <summary>A 1-based position in the document, as GraphQL errors report it.</summary>
internal readonly record struct GqlLocation(int Line, int Column);

/// <summary>An executable document: operations only (fragment definitions are not part of the subset).</summary>
internal sealed record GqlDocument(IReadOnlyList<GqlOperation> Operations);

internal enum GqlOperationType
{
    Query,
    Mutation,
}

internal sealed record GqlOperation(
    GqlOperationType Type,
    string? Name,
    IReadOnlyList<GqlVariableDefinition> Variables,
    IReadOnlyList<GqlSelection> Selections,
    GqlLocation Location);

internal sealed record GqlVariableDefinition(string Name, GqlTypeRef Type, GqlValue? DefaultValue, GqlLocation Location);

/// <summary>A type reference: a named type, a list of one, and either non-null.</summary>
internal sealed record GqlTypeRef(string? Name, GqlTypeRef? OfType, bool NonNull)
{
    public bool IsList => OfType is not null;

    public override string ToString() => (IsList ? $"[{OfType}]" : Name!) + (NonNull ? "!" : "");
}

internal abstract record GqlSelection(GqlLocation Location);

internal sealed record GqlField(
    string? Alias,
    string Name,
    IReadOnlyList<GqlArgument> Arguments,
    IReadOnlyList<GqlDirective> Directives,
    IReadOnlyList<GqlSelection> Selections,
    GqlLocation Location) : GqlSelection(Location)
{
    public string ResponseKey => Alias ?? Name;

    public GqlArgument? Argument(string name)
    {
        foreach (var argument in Arguments)
        {
            if (argument.Name == name)
            {
                return argument;
            }
        }

        return null;
    }

    public GqlDirective? Directive(string name)
    {
        foreach (var directive in Directives)
        {
            if (directive.Name == name)
            {
                return directive;
            }
        }

        return null;
    }
}

internal sealed record GqlInlineFragment(string? TypeCondition, IReadOnlyList<GqlSelection> Selections, GqlLocation Location)
    : GqlSelection(Location);

internal sealed record GqlArgument(string Name, GqlValue Value, GqlLocation Location);

internal sealed record GqlDirective(string Name, IReadOnlyList<GqlArgument> Arguments, GqlLocation Location);

/// <summary>Literal values and variable references as written in the document.</summary>
internal abstract record GqlValue(GqlLocation Location);

internal sealed record GqlVariableValue(string Name, GqlLocation Location) : GqlValue(Location);

internal sealed record GqlIntValue(string Text, GqlLocation Location) : GqlValue(Location);

internal sealed record GqlFloatValue(string Text, GqlLocation Location) : GqlValue(Location);

internal sealed record GqlStringValue(string Value, GqlLocation Location) : GqlValue(Location);

internal sealed record GqlBooleanValue(bool Value, GqlLocation Location) : GqlValue(Location);

internal sealed record GqlNullValue(GqlLocation Location) : GqlValue(Location);

internal sealed record GqlEnumValue(string Name, GqlLocation Location) : GqlValue(Location);

internal sealed record GqlListValue(IReadOnlyList<GqlValue> Items, GqlLocation Location) : GqlValue(Location);

internal sealed record GqlObjectValue(IReadOnlyList<KeyValuePair<string, GqlValue>> Fields, GqlLocation Location) : GqlValue(Location);

/// <summary>A document that does not parse; the message follows graphql-ruby's "Parse error on ..." wording.</summary>
internal sealed class GqlSyntaxException(string message, GqlLocation location) : Exception(message)
{
    public GqlLocation Location { get; } = location;
}
