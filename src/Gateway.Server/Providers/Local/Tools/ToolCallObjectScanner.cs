using System.Text;
using System.Text.Json;

namespace Gateway.Server.Providers.Local.Tools;

/// <summary>
/// Reads one call object (<c>{"name": "N", "arguments": {…}}</c>) as its characters stream in: the name once its string
/// closes, the arguments' text as it comes. Keys may come in any order; <c>parameters</c> (Llama 3.1) means arguments.
/// </summary>
internal sealed class ToolCallObjectScanner
{
    private readonly StringBuilder _key = new();
    private readonly StringBuilder _value = new();
    private Expect _expect = Expect.Open;
    private Slot _slot;
    private JsonValueScanner _scanner;
    private bool _keyEscape;
    private bool _argumentsAsString;

    private enum Expect { Open, KeyOrEnd, Key, Colon, Value, InValue, CommaOrEnd }

    private enum Slot { Other, Name, Arguments }

    /// <summary>The tool's name, once its string has closed.</summary>
    public string? Name { get; private set; }

    /// <summary>Argument text read and not yet taken by the caller.</summary>
    public StringBuilder Arguments { get; } = new();

    /// <summary>Takes the next character; true when it closed the object.</summary>
    public bool Feed(char c)
    {
        switch (_expect)
        {
            case Expect.Open:
                if (c == '{')
                {
                    _expect = Expect.KeyOrEnd;
                }
                return false;
            case Expect.KeyOrEnd:
                if (c == '"')
                {
                    _key.Clear();
                    _expect = Expect.Key;
                }
                return c == '}';
            case Expect.Key:
                ReadKey(c);
                return false;
            case Expect.Colon:
                if (c == ':')
                {
                    _expect = Expect.Value;
                }
                return false;
            case Expect.Value:
                if (char.IsWhiteSpace(c))
                {
                    return false;
                }
                StartValue(c);
                return Value(c);
            case Expect.InValue:
                return Value(c);
            default:
                if (c == ',')
                {
                    _expect = Expect.KeyOrEnd;
                }
                return c == '}';
        }
    }

    private void ReadKey(char c)
    {
        if (_keyEscape)
        {
            _keyEscape = false;
        }
        else if (c == '\\')
        {
            _keyEscape = true;
        }
        else if (c == '"')
        {
            _expect = Expect.Colon;
            return;
        }
        _key.Append(c);
    }

    private void StartValue(char c)
    {
        _expect = Expect.InValue;
        _scanner = default;
        _value.Clear();
        _slot = _key.Equals("name") ? Slot.Name : _key.Equals("arguments") || _key.Equals("parameters") ? Slot.Arguments : Slot.Other;
        // Some models write the arguments as a JSON string holding the object (OpenAI's wire form); it is decoded when whole.
        _argumentsAsString = _slot == Slot.Arguments && c == '"';
    }

    private bool Value(char c)
    {
        var step = _scanner.Feed(c);
        if (step == JsonValueStep.After)
        {
            EndValue();
            _expect = Expect.CommaOrEnd;
            return Feed(c);
        }
        if (_slot == Slot.Arguments && !_argumentsAsString)
        {
            Arguments.Append(c);
        }
        else if (_slot != Slot.Other)
        {
            _value.Append(c);
        }
        if (step == JsonValueStep.Ended)
        {
            EndValue();
            _expect = Expect.CommaOrEnd;
        }
        return false;
    }

    private void EndValue()
    {
        if (_slot == Slot.Name)
        {
            Name = StringValue(_value.ToString());
        }
        else if (_argumentsAsString)
        {
            Arguments.Append(StringValue(_value.ToString()));
        }
    }

    /// <summary>A JSON string literal's text; anything else as written.</summary>
    private static string StringValue(string literal)
    {
        if (literal.Length < 2 || literal[0] != '"')
        {
            return literal;
        }
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(literal));
            reader.Read();
            return reader.GetString() ?? "";
        }
        catch (JsonException)
        {
            return literal[1..^1];
        }
    }
}
