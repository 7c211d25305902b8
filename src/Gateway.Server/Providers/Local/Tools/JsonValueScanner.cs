namespace Gateway.Server.Providers.Local.Tools;

/// <summary>Finds where one JSON value ends in streamed text, one character at a time, without parsing it (RFC 8259 §2-§7).</summary>
/// <remarks>Only strings, escapes and bracket depth are tracked; whether the value is valid JSON is checked once it is whole.</remarks>
internal struct JsonValueScanner
{
    private int _depth;
    private bool _started;
    private bool _scalar;
    private bool _inString;
    private bool _escape;

    /// <summary>Takes the value's next character (the first must not be whitespace).</summary>
    public JsonValueStep Feed(char c)
    {
        if (!_started)
        {
            _started = true;
            _inString = c == '"';
            _depth = c is '{' or '[' ? 1 : 0;
            _scalar = !_inString && _depth == 0;
            return JsonValueStep.Inside;
        }
        if (_scalar)
        {
            // A number or literal has no end mark: it ends before the first character that cannot be part of it.
            return c is ',' or '}' or ']' || char.IsWhiteSpace(c) ? JsonValueStep.After : JsonValueStep.Inside;
        }
        if (_inString)
        {
            if (_escape)
            {
                _escape = false;
            }
            else if (c == '\\')
            {
                _escape = true;
            }
            else if (c == '"')
            {
                _inString = false;
                return _depth == 0 ? JsonValueStep.Ended : JsonValueStep.Inside;
            }
            return JsonValueStep.Inside;
        }
        switch (c)
        {
            case '"':
                _inString = true;
                break;
            case '{' or '[':
                _depth++;
                break;
            case '}' or ']':
                _depth--;
                if (_depth == 0)
                {
                    return JsonValueStep.Ended;
                }
                break;
        }
        return JsonValueStep.Inside;
    }
}
