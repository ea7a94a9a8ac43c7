using System.Globalization;
using System.Text.Json.Nodes;

namespace CdcBridge.DevStack.Shopify.GraphQl;

internal enum GqlFailure
{
    None,

    /// <summary>The document does not parse or names no runnable operation.</summary>
    Parse,

    /// <summary>A variable's value does not fit its type: Shopify answers with errors only (no data, no cost).</summary>
    Variables,

    /// <summary>Static validation (unknown fields, arguments...): errors and the cost extension, no data.</summary>
    Validation,
}

/// <summary>A request parsed, its variables coerced, validated and costed, ready to execute.</summary>
internal sealed class GqlPrepared
{
    public GqlFailure Failure { get; set; }

    public List<JsonObject> Errors { get; } = [];

    public GqlOperation? Operation { get; init; }

    public GqlObjectType? RootType { get; init; }

    public Dictionary<string, JsonNode?> Variables { get; } = new(StringComparer.Ordinal);

    public Dictionary<GqlField, JsonObject> Arguments { get; } = new(ReferenceEqualityComparer.Instance);

    public int RequestedCost { get; set; }

    public IReadOnlyList<string> RootFields => Operation?.Selections.OfType<GqlField>().Select(f => f.Name).ToArray() ?? [];
}

/// <summary>What resolvers see of the request: the field being resolved and where its arguments came from.</summary>
internal sealed class GqlResolveContext(GqlPrepared prepared, object state)
{
    public object State { get; } = state;

    public GqlOperation Operation => prepared.Operation!;

    public GqlField Field { get; internal set; } = null!;

    /// <summary>A directive argument's value on the current field, variables substituted; null when absent.</summary>
    public JsonNode? DirectiveArgument(string directive, string argument)
    {
        var value = Field.Directive(directive)?.Arguments.FirstOrDefault(a => a.Name == argument)?.Value;
        return value is null ? null : GqlInputTypes.FromLiteral(value, prepared.Variables);
    }

    public bool HasDirective(string directive) => Field.Directive(directive) is not null;

    /// <summary>Where an argument's value was written: its variable's definition, or the argument itself.</summary>
    public GqlLocation ArgumentSource(string argument)
    {
        var arg = Field.Argument(argument);
        if (arg?.Value is GqlVariableValue variable)
        {
            var definition = Operation.Variables.FirstOrDefault(v => v.Name == variable.Name);
            if (definition is not null)
            {
                return definition.Location;
            }
        }

        return arg?.Location ?? Field.Location;
    }
}

/// <summary>Prepares and executes operations of the executable subset against object types with resolvers.</summary>
internal static class GqlExecutor
{
    public static GqlPrepared Prepare(string? query, JsonObject? variables, string? operationName, GqlObjectType queryRoot, GqlObjectType mutationRoot)
    {
        GqlDocument document;
        try
        {
            document = GqlParser.Parse(query ?? "");
        }
        catch (GqlSyntaxException e)
        {
            var failed = new GqlPrepared { Failure = GqlFailure.Parse };
            failed.Errors.Add(Error(e.Message, [e.Location], null, null));
            return failed;
        }

        GqlOperation? operation;
        if (!string.IsNullOrEmpty(operationName))
        {
            operation = document.Operations.FirstOrDefault(o => o.Name == operationName);
            if (operation is null)
            {
                var failed = new GqlPrepared { Failure = GqlFailure.Parse };
                failed.Errors.Add(Error($"No operation named \"{operationName}\"", [], null, null));
                return failed;
            }
        }
        else if (document.Operations.Count == 1)
        {
            operation = document.Operations[0];
        }
        else
        {
            var failed = new GqlPrepared { Failure = GqlFailure.Parse };
            failed.Errors.Add(Error("An operation name is required", [], null, null));
            return failed;
        }

        var rootType = operation.Type == GqlOperationType.Mutation ? mutationRoot : queryRoot;
        var prepared = new GqlPrepared { Operation = operation, RootType = rootType, Failure = GqlFailure.None };
        CoerceVariables(prepared, operation, variables);
        if (prepared.Errors.Count > 0)
        {
            prepared.Failure = GqlFailure.Variables;
            return prepared;
        }

        var opPath = (operation.Type == GqlOperationType.Mutation ? "mutation" : "query") + (operation.Name is null ? "" : " " + operation.Name);
        var path = new List<string> { opPath };
        prepared.RequestedCost = Validate(prepared, rootType, operation.Selections, path, operation.Type == GqlOperationType.Mutation);
        if (prepared.Errors.Count > 0)
        {
            prepared.Failure = GqlFailure.Validation;
        }

        return prepared;
    }

    /// <summary>Runs a prepared operation: data (fields that failed are null) and field errors, and the actual cost.</summary>
    public static (JsonObject Data, List<JsonObject> Errors, int ActualCost) Execute(GqlPrepared prepared, object state)
    {
        var context = new GqlResolveContext(prepared, state);
        var run = new Execution(prepared, context);
        var data = run.SelectionSet(prepared.RootType!, null, prepared.Operation!.Selections, [], count: true);
        return (data, run.Errors, run.Cost);
    }

    public static JsonObject Error(string message, IReadOnlyList<GqlLocation> locations, IReadOnlyList<object>? path, JsonObject? extensions, bool pathBeforeExtensions = false)
    {
        var error = new JsonObject { ["message"] = message };
        if (locations.Count > 0)
        {
            error["locations"] = new JsonArray(locations.Select(l => (JsonNode)new JsonObject { ["line"] = l.Line, ["column"] = l.Column }).ToArray());
        }

        if (pathBeforeExtensions && path is not null)
        {
            error["path"] = PathArray(path);
        }

        if (extensions is not null)
        {
            error["extensions"] = extensions;
        }

        if (!pathBeforeExtensions && path is not null)
        {
            error["path"] = PathArray(path);
        }

        return error;
    }

    private static JsonArray PathArray(IReadOnlyList<object> path) =>
        new(path.Select(p => p is int i ? JsonValue.Create(i) : (JsonNode)JsonValue.Create(p.ToString()!)).ToArray());

    private static void CoerceVariables(GqlPrepared prepared, GqlOperation operation, JsonObject? provided)
    {
        foreach (var definition in operation.Variables)
        {
            if (!IsKnownInputType(definition.Type))
            {
                prepared.Errors.Add(Error($"{BaseName(definition.Type)} isn't a defined input type (on ${definition.Name})", [definition.Location],
                    null, new JsonObject { ["code"] = "variableRequiresValidType", ["typeName"] = BaseName(definition.Type), ["variableName"] = definition.Name }));
                continue;
            }

            JsonNode? raw;
            if (provided is not null && provided.TryGetPropertyValue(definition.Name, out var given))
            {
                raw = given;
            }
            else if (definition.DefaultValue is not null)
            {
                raw = GqlInputTypes.FromLiteral(definition.DefaultValue, prepared.Variables);
            }
            else if (!definition.Type.NonNull)
            {
                continue; // absent
            }
            else
            {
                raw = null;
            }

            var problems = new List<(IReadOnlyList<string> Path, string Explanation)>();
            var coerced = GqlInputTypes.Coerce(raw, definition.Type, [], problems);
            if (problems.Count == 0)
            {
                prepared.Variables[definition.Name] = coerced;
                continue;
            }

            var detail = string.Join(", ", problems.Where(p => p.Path.Count > 0).Select(p => $"{string.Join('.', p.Path)} ({p.Explanation})"));
            var message = $"Variable ${definition.Name} of type {definition.Type} was provided invalid value" + (detail.Length > 0 ? " for " + detail : "");
            prepared.Errors.Add(Error(message, [definition.Location], null, new JsonObject
            {
                ["code"] = "INVALID_VARIABLE",
                ["value"] = raw?.DeepClone(),
                ["problems"] = new JsonArray(problems.Select(p => (JsonNode)new JsonObject
                {
                    ["path"] = new JsonArray(p.Path.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
                    ["explanation"] = p.Explanation,
                }).ToArray()),
            }));
        }
    }

    private static bool IsKnownInputType(GqlTypeRef type) => type.IsList ? IsKnownInputType(type.OfType!) : GqlInputTypes.IsKnown(type.Name!);

    private static string BaseName(GqlTypeRef type) => type.IsList ? BaseName(type.OfType!) : type.Name!;

    /// <summary>Validates a selection set against its type and returns its requested cost (see <see cref="GqlObjectType"/>).</summary>
    private static int Validate(GqlPrepared prepared, GqlObjectType type, IReadOnlyList<GqlSelection> selections, List<string> path, bool root)
    {
        var cost = 0;
        foreach (var selection in selections)
        {
            if (selection is GqlInlineFragment fragment)
            {
                if (fragment.TypeCondition is null || fragment.TypeCondition == type.Name)
                {
                    cost += Validate(prepared, type, fragment.Selections, path, root);
                }

                continue;
            }

            var field = (GqlField)selection;
            if (field.Name == "__typename")
            {
                continue;
            }

            path.Add(field.Name);
            cost += ValidateField(prepared, type, field, path);
            path.RemoveAt(path.Count - 1);
        }

        return cost;
    }

    private static int ValidateField(GqlPrepared prepared, GqlObjectType type, GqlField field, List<string> path)
    {
        var definition = type.Field(field.Name);
        if (definition is null)
        {
            prepared.Errors.Add(Error($"Field '{field.Name}' doesn't exist on type '{type.Name}'", [field.Location], path.ToArray(),
                new JsonObject { ["code"] = "undefinedField", ["typeName"] = type.Name, ["fieldName"] = field.Name }, pathBeforeExtensions: true));
            return 0;
        }

        var arguments = new JsonObject();
        foreach (var argument in field.Arguments)
        {
            var argumentDefinition = definition.Arguments.FirstOrDefault(a => a.Name == argument.Name);
            if (argumentDefinition is null)
            {
                prepared.Errors.Add(Error($"Field '{field.Name}' doesn't accept argument '{argument.Name}'", [argument.Location], path.ToArray(),
                    new JsonObject { ["code"] = "argumentNotAccepted", ["name"] = field.Name, ["typeName"] = "Field", ["argumentName"] = argument.Name },
                    pathBeforeExtensions: true));
                continue;
            }

            if (argument.Value is GqlVariableValue variable)
            {
                if (prepared.Operation!.Variables.All(v => v.Name != variable.Name))
                {
                    prepared.Errors.Add(Error($"Variable ${variable.Name} is used by {prepared.Operation.Name ?? "anonymous query"} but not declared",
                        [variable.Location], path.ToArray(), new JsonObject { ["code"] = "variableNotDefined", ["variableName"] = variable.Name },
                        pathBeforeExtensions: true));
                    continue;
                }

                if (prepared.Variables.TryGetValue(variable.Name, out var bound))
                {
                    arguments[argument.Name] = bound?.DeepClone();
                }

                continue;
            }

            var literal = GqlInputTypes.FromLiteral(argument.Value, prepared.Variables);
            var problems = new List<(IReadOnlyList<string> Path, string Explanation)>();
            var coerced = GqlInputTypes.Coerce(literal, argumentDefinition.Type, [], problems);
            if (problems.Count > 0)
            {
                prepared.Errors.Add(Error(
                    $"Argument '{argument.Name}' on Field '{field.Name}' has an invalid value ({literal?.ToJsonString() ?? "null"}). Expected type '{argumentDefinition.Type}'.",
                    [argument.Location], path.ToArray(),
                    new JsonObject { ["code"] = "argumentLiteralsIncompatible", ["typeName"] = "Field", ["argumentName"] = argument.Name },
                    pathBeforeExtensions: true));
                continue;
            }

            arguments[argument.Name] = coerced;
        }

        var missing = new List<string>();
        foreach (var argumentDefinition in definition.Arguments)
        {
            if (!arguments.ContainsKey(argumentDefinition.Name))
            {
                if (argumentDefinition.DefaultValue is not null)
                {
                    arguments[argumentDefinition.Name] = argumentDefinition.DefaultValue.DeepClone();
                }
                else if (argumentDefinition.Type.NonNull && field.Argument(argumentDefinition.Name) is null)
                {
                    missing.Add(argumentDefinition.Name);
                }
            }
        }

        if (missing.Count > 0)
        {
            prepared.Errors.Add(Error($"Field '{field.Name}' is missing required arguments: {string.Join(", ", missing)}", [field.Location], path.ToArray(),
                new JsonObject { ["code"] = "missingRequiredArguments", ["className"] = "Field", ["name"] = field.Name, ["arguments"] = string.Join(", ", missing) },
                pathBeforeExtensions: true));
        }

        prepared.Arguments[field] = arguments;

        if (definition.ObjectType is null)
        {
            if (field.Selections.Count > 0)
            {
                prepared.Errors.Add(Error(
                    $"Selections can't be made on scalars (field '{field.Name}' returns {definition.TypeDisplay} but has selections [{string.Join(", ", field.Selections.OfType<GqlField>().Select(f => f.Name))}])",
                    [field.Location], path.ToArray(), new JsonObject { ["code"] = "selectionMismatch", ["nodeName"] = $"field '{field.Name}'", ["typeName"] = definition.TypeDisplay },
                    pathBeforeExtensions: true));
            }

            return 0;
        }

        if (field.Selections.Count == 0)
        {
            prepared.Errors.Add(Error(
                $"Field must have selections (field '{field.Name}' returns {definition.TypeDisplay} but has no selections. Did you mean '{field.Name} {{ ... }}'?)",
                [field.Location], path.ToArray(), new JsonObject { ["code"] = "selectionMismatch", ["nodeName"] = $"field '{field.Name}'", ["typeName"] = definition.TypeDisplay },
                pathBeforeExtensions: true));
            return 0;
        }

        var objectType = definition.ObjectType;
        var inner = Validate(prepared, objectType, field.Selections, path, root: false);
        if (objectType.IsConnection)
        {
            var first = arguments["first"] ?? arguments["last"];
            var size = first is JsonValue sizeValue && sizeValue.TryGetValue<long>(out var n) ? (int)Math.Clamp(n, 0, 100_000) : 0;
            // inner is the cost of one node (nodes and edges.node count once each: see NodeCost).
            return definition.BaseCost + 2 + (size * inner);
        }

        return definition.BaseCost + (objectType.CostsPoint ? 1 : 0) + inner;
    }

    private sealed class Execution(GqlPrepared prepared, GqlResolveContext context)
    {
        public List<JsonObject> Errors { get; } = [];

        public int Cost { get; private set; }

        public JsonObject SelectionSet(GqlObjectType type, object? source, IReadOnlyList<GqlSelection> selections, List<object> path, bool count)
        {
            var result = new JsonObject();
            Collect(type, source, selections, path, count, result);
            return result;
        }

        private void Collect(GqlObjectType type, object? source, IReadOnlyList<GqlSelection> selections, List<object> path, bool count, JsonObject result)
        {
            foreach (var selection in selections)
            {
                if (selection is GqlInlineFragment fragment)
                {
                    if (fragment.TypeCondition is null || fragment.TypeCondition == type.Name)
                    {
                        Collect(type, source, fragment.Selections, path, count, result);
                    }

                    continue;
                }

                var field = (GqlField)selection;
                if (field.Name == "__typename")
                {
                    result[field.ResponseKey] = type.Name;
                    continue;
                }

                var definition = type.Field(field.Name)!;
                path.Add(field.ResponseKey);
                result[field.ResponseKey] = ResolveField(definition, field, source, path, count);
                path.RemoveAt(path.Count - 1);
            }
        }

        private JsonNode? ResolveField(GqlFieldDefinition definition, GqlField field, object? source, List<object> path, bool count)
        {
            object? value;
            context.Field = field;
            if (count)
            {
                Cost += definition.BaseCost;
            }

            try
            {
                value = definition.Resolve(context, source, prepared.Arguments[field]);
            }
            catch (GqlFieldException e)
            {
                Errors.Add(Error(e.Message, [field.Location, .. e.ExtraLocations], path.ToArray(), new JsonObject { ["code"] = e.Code }));
                return null;
            }

            switch (definition.Kind)
            {
                case GqlFieldKind.Scalar:
                    return Scalar(value);
                case GqlFieldKind.ScalarList:
                    return value is null ? null : new JsonArray(((System.Collections.IEnumerable)value).Cast<object?>().Select(Scalar).ToArray());
                case GqlFieldKind.Object:
                    if (value is null)
                    {
                        return null;
                    }

                    if (count && definition.ObjectType!.IsConnection)
                    {
                        Cost += 2;
                    }
                    else if (count && definition.ObjectType!.CostsPoint)
                    {
                        Cost += 1;
                    }

                    return SelectionSet(definition.ObjectType!, value, field.Selections, path, count);
                default:
                    if (value is null)
                    {
                        return null;
                    }

                    var array = new JsonArray();
                    var index = 0;
                    foreach (var element in (System.Collections.IEnumerable)value)
                    {
                        var counted = count && (definition.CountEachElement || index == 0);
                        if (counted && definition.ObjectType!.CostsPoint)
                        {
                            Cost += 1;
                        }

                        path.Add(index);
                        array.Add(SelectionSet(definition.ObjectType!, element, field.Selections, path, counted));
                        path.RemoveAt(path.Count - 1);
                        index++;
                    }

                    return array;
            }
        }

        private static JsonNode? Scalar(object? value) => value switch
        {
            null => null,
            JsonNode node => node.DeepClone(),
            string s => JsonValue.Create(s),
            bool b => JsonValue.Create(b),
            int i => JsonValue.Create(i),
            long l => JsonValue.Create(l),
            double d => JsonValue.Create(d),
            DateTimeOffset t => JsonValue.Create(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            IEnumerable<string> list => new JsonArray(list.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
            _ => JsonValue.Create(value.ToString()),
        };
    }
}
