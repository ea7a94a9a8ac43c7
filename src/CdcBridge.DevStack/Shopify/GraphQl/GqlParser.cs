using System.Globalization;
using System.Text;

namespace CdcBridge.DevStack.Shopify.GraphQl;

/// <summary>
/// A recursive-descent parser for the executable subset of GraphQL the simulator serves: operations (query, mutation,
/// the anonymous shorthand), variable definitions with types and defaults, selection sets, aliases, arguments with every
/// literal kind and variables, inline fragments and directives. Fragment spreads, subscriptions and block strings are
/// rejected with a parse error.
/// </summary>
internal sealed class GqlParser
{
    private readonly string _text;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private GqlParser(string text) => _text = text;

    public static GqlDocument Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new GqlParser(text);
        return parser.ParseDocument();
    }

    private GqlDocument ParseDocument()
    {
        var operations = new List<GqlOperation>();
        SkipIgnored();
        if (AtEnd)
        {
            throw Error("Unexpected end of document");
        }

        while (!AtEnd)
        {
            operations.Add(ParseOperation());
            SkipIgnored();
        }

        return new GqlDocument(operations);
    }

    private GqlOperation ParseOperation()
    {
        var location = Here;
        if (Peek == '{')
        {
            return new GqlOperation(GqlOperationType.Query, null, [], ParseSelectionSet(), location);
        }

        var keyword = ReadName();
        var type = keyword switch
        {
            "query" => GqlOperationType.Query,
            "mutation" => GqlOperationType.Mutation,
            "fragment" => throw new GqlSyntaxException("Fragment definitions are not supported by this simulator", location),
            _ => throw new GqlSyntaxException($"Parse error on \"{keyword}\" (IDENTIFIER) at [{location.Line}, {location.Column}]", location),
        };
        SkipIgnored();
        string? name = null;
        if (IsNameStart(Peek))
        {
            name = ReadName();
            SkipIgnored();
        }

        var variables = new List<GqlVariableDefinition>();
        if (Peek == '(')
        {
            Advance();
            SkipIgnored();
            while (Peek != ')')
            {
                var variableLocation = Here;
                Expect('$');
                var variableName = ReadName();
                SkipIgnored();
                Expect(':');
                SkipIgnored();
                var variableType = ParseTypeRef();
                SkipIgnored();
                GqlValue? defaultValue = null;
                if (Peek == '=')
                {
                    Advance();
                    SkipIgnored();
                    defaultValue = ParseValue(constant: true);
                    SkipIgnored();
                }

                variables.Add(new GqlVariableDefinition(variableName, variableType, defaultValue, variableLocation));
            }

            Advance();
            SkipIgnored();
        }

        // Directives on operations are parsed and ignored.
        ParseDirectives();
        return new GqlOperation(type, name, variables, ParseSelectionSet(), location);
    }

    private GqlTypeRef ParseTypeRef()
    {
        GqlTypeRef type;
        if (Peek == '[')
        {
            Advance();
            SkipIgnored();
            var inner = ParseTypeRef();
            SkipIgnored();
            Expect(']');
            type = new GqlTypeRef(null, inner, false);
        }
        else
        {
            type = new GqlTypeRef(ReadName(), null, false);
        }

        SkipIgnored();
        if (Peek == '!')
        {
            Advance();
            type = type with { NonNull = true };
        }

        return type;
    }

    private List<GqlSelection> ParseSelectionSet()
    {
        SkipIgnored();
        Expect('{');
        SkipIgnored();
        var selections = new List<GqlSelection>();
        while (Peek != '}')
        {
            if (AtEnd)
            {
                throw Error("Unexpected end of document");
            }

            selections.Add(ParseSelection());
            SkipIgnored();
        }

        Advance();
        if (selections.Count == 0)
        {
            throw Error("Parse error on \"}\" (RCURLY)");
        }

        return selections;
    }

    private GqlSelection ParseSelection()
    {
        var location = Here;
        if (Peek == '.')
        {
            Expect('.');
            Expect('.');
            Expect('.');
            SkipIgnored();
            var on = IsNameStart(Peek) ? ReadName() : null;
            if (on is not null && on != "on")
            {
                throw new GqlSyntaxException("Fragment spreads are not supported by this simulator", location);
            }

            string? typeCondition = null;
            if (on == "on")
            {
                SkipIgnored();
                typeCondition = ReadName();
            }

            SkipIgnored();
            ParseDirectives();
            return new GqlInlineFragment(typeCondition, ParseSelectionSet(), location);
        }

        var first = ReadName();
        SkipIgnored();
        string? alias = null;
        var name = first;
        if (Peek == ':')
        {
            Advance();
            SkipIgnored();
            alias = first;
            location = Here;
            name = ReadName();
            SkipIgnored();
        }

        var arguments = Peek == '(' ? ParseArguments(constant: false) : [];
        SkipIgnored();
        var directives = ParseDirectives();
        SkipIgnored();
        var selections = Peek == '{' ? ParseSelectionSet() : [];
        return new GqlField(alias, name, arguments, directives, selections, location);
    }

    private List<GqlArgument> ParseArguments(bool constant)
    {
        Expect('(');
        SkipIgnored();
        var arguments = new List<GqlArgument>();
        while (Peek != ')')
        {
            var location = Here;
            var name = ReadName();
            SkipIgnored();
            Expect(':');
            SkipIgnored();
            arguments.Add(new GqlArgument(name, ParseValue(constant), location));
            SkipIgnored();
        }

        Advance();
        return arguments;
    }

    private List<GqlDirective> ParseDirectives()
    {
        var directives = new List<GqlDirective>();
        while (Peek == '@')
        {
            var location = Here;
            Advance();
            var name = ReadName();
            SkipIgnored();
            var arguments = Peek == '(' ? ParseArguments(constant: false) : [];
            SkipIgnored();
            directives.Add(new GqlDirective(name, arguments, location));
        }

        return directives;
    }

    private GqlValue ParseValue(bool constant)
    {
        var location = Here;
        var c = Peek;
        switch (c)
        {
            case '$':
                if (constant)
                {
                    throw Error("Variables are not allowed in default values");
                }

                Advance();
                return new GqlVariableValue(ReadName(), location);
            case '"':
                return new GqlStringValue(ReadString(), location);
            case '[':
                {
                    Advance();
                    SkipIgnored();
                    var items = new List<GqlValue>();
                    while (Peek != ']')
                    {
                        if (AtEnd)
                        {
                            throw Error("Unexpected end of document");
                        }

                        items.Add(ParseValue(constant));
                        SkipIgnored();
                    }

                    Advance();
                    return new GqlListValue(items, location);
                }

            case '{':
                {
                    Advance();
                    SkipIgnored();
                    var fields = new List<KeyValuePair<string, GqlValue>>();
                    while (Peek != '}')
                    {
                        var name = ReadName();
                        SkipIgnored();
                        Expect(':');
                        SkipIgnored();
                        fields.Add(new(name, ParseValue(constant)));
                        SkipIgnored();
                    }

                    Advance();
                    return new GqlObjectValue(fields, location);
                }
        }

        if (c == '-' || char.IsAsciiDigit(c))
        {
            return ReadNumber(location);
        }

        if (IsNameStart(c))
        {
            var name = ReadName();
            return name switch
            {
                "true" => new GqlBooleanValue(true, location),
                "false" => new GqlBooleanValue(false, location),
                "null" => new GqlNullValue(location),
                _ => new GqlEnumValue(name, location),
            };
        }

        throw Error(AtEnd ? "Unexpected end of document" : $"Parse error on \"{c}\"");
    }

    private GqlValue ReadNumber(GqlLocation location)
    {
        var start = _pos;
        if (Peek == '-')
        {
            Advance();
        }

        while (char.IsAsciiDigit(Peek))
        {
            Advance();
        }

        var isFloat = false;
        if (Peek == '.')
        {
            isFloat = true;
            Advance();
            while (char.IsAsciiDigit(Peek))
            {
                Advance();
            }
        }

        if (Peek is 'e' or 'E')
        {
            isFloat = true;
            Advance();
            if (Peek is '+' or '-')
            {
                Advance();
            }

            while (char.IsAsciiDigit(Peek))
            {
                Advance();
            }
        }

        var text = _text[start.._pos];
        if (text is "-" or "")
        {
            throw new GqlSyntaxException($"Parse error on \"{text}\"", location);
        }

        return isFloat ? new GqlFloatValue(text, location) : new GqlIntValue(text, location);
    }

    private string ReadString()
    {
        if (_text.AsSpan(_pos).StartsWith("\"\"\"", StringComparison.Ordinal))
        {
            throw Error("Block strings are not supported by this simulator");
        }

        Expect('"');
        var builder = new StringBuilder();
        while (true)
        {
            if (AtEnd || Peek == '\n')
            {
                throw Error("Unterminated string");
            }

            var c = Peek;
            Advance();
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            var escape = Peek;
            Advance();
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length
                        || !int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error("Bad unicode escape");
                    }

                    builder.Append((char)code);
                    for (var i = 0; i < 4; i++)
                    {
                        Advance();
                    }

                    break;
                default:
                    throw Error($"Bad escape \\{escape}");
            }
        }
    }

    private string ReadName()
    {
        if (!IsNameStart(Peek))
        {
            throw Error(AtEnd ? "Unexpected end of document" : $"Parse error on \"{Peek}\"");
        }

        var start = _pos;
        while (IsNameStart(Peek) || char.IsAsciiDigit(Peek))
        {
            Advance();
        }

        return _text[start.._pos];
    }

    private void Expect(char c)
    {
        if (Peek != c)
        {
            throw Error(AtEnd ? "Unexpected end of document" : $"Parse error on \"{Peek}\", expected \"{c}\"");
        }

        Advance();
    }

    /// <summary>Whitespace, commas, line terminators and comments are insignificant.</summary>
    private void SkipIgnored()
    {
        while (!AtEnd)
        {
            var c = Peek;
            if (c == '#')
            {
                while (!AtEnd && Peek != '\n')
                {
                    Advance();
                }
            }
            else if (c is ' ' or '\t' or ',' or '\r' or '\n' or '\uFEFF')
            {
                Advance();
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsNameStart(char c) => c == '_' || char.IsAsciiLetter(c);

    private bool AtEnd => _pos >= _text.Length;

    private char Peek => _pos < _text.Length ? _text[_pos] : '\0';

    private GqlLocation Here => new(_line, _pos - _lineStart + 1);

    private void Advance()
    {
        if (_pos < _text.Length && _text[_pos] == '\n')
        {
            _line++;
            _lineStart = _pos + 1;
        }

        _pos++;
    }

    private GqlSyntaxException Error(string message)
    {
        var here = Here;
        return new GqlSyntaxException(message.Contains(" at [", StringComparison.Ordinal) ? message : $"{message} at [{here.Line}, {here.Column}]", here);
    }
}
