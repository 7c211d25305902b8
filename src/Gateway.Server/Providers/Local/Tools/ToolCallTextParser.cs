using System.Text;

namespace Gateway.Server.Providers.Local.Tools;

/// <summary>
/// Reads a local model's answer as it streams: text outside calls goes on as text, the family's call syntax
/// (<see cref="LocalToolFamily"/>) becomes tool calls, each streamed as it is written and completed by <see cref="ToolCallBuffer"/>.
/// </summary>
/// <remarks>
/// Text that may be the start of an opener is held back until the next piece decides it, as <see cref="StopStringMatcher"/>
/// does for stop strings. A call that never got its name (an opener followed by something else, or cut off) is given
/// back as text, so nothing the model wrote is lost. The input must be the text of every token, control tokens included.
/// </remarks>
/// <param name="opener">The text that opens a call when not the family's own (<see cref="ToolCallOpener.Text"/>).</param>
internal sealed class ToolCallTextParser(LocalToolFamily family, ITurnSink sink, string? opener = null)
{
    private const string MistralArgs = "[ARGS]";

    // Llama 3.1 may write a call without <|python_tag|>, as the whole answer: {"name": … (llama.cpp common/chat.cpp).
    private const string BareCallStart = "{\"name\"";

    private readonly string _opener = opener ?? family.Opener();
    private readonly string? _closer = family.Closer();
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _held = new();
    private readonly StringBuilder _mistralArguments = new();
    private State _state = family == LocalToolFamily.Llama3 ? State.Start : State.Outside;
    private ToolCallBuffer? _call;
    private ToolCallObjectScanner? _object;
    private JsonValueScanner _arguments;
    private bool _argumentsStarted;
    private bool _inList;

    // Whitespace between calls and after the last one separates them; it is not part of the answer (llama.cpp drops it too).
    private bool _afterCall;

    private enum State { Start, Outside, AfterOpener, InObject, AfterObject, MistralList, MistralName, MistralArguments }

    /// <summary>How many calls were read.</summary>
    public int Calls { get; private set; }

    /// <summary>Takes the next piece of the answer and passes on what it decides.</summary>
    public void Push(string text)
    {
        ReadAll(text);
        SendText();
        SendArguments();
    }

    /// <summary>The answer is over: a call in progress completes as far as it got, held-back text goes out.</summary>
    public void Flush()
    {
        switch (_state)
        {
            case State.Start or State.Outside or State.AfterOpener or State.MistralName or State.MistralList:
                _text.Append(_held);
                break;
            case State.InObject or State.MistralArguments when _call is not null:
                CompleteCall();
                break;
            case State.InObject:
                _text.Append(_held);
                break;
        }
        _held.Clear();
        _state = State.Outside;
        SendText();
    }

    private void Read(char c)
    {
        switch (_state)
        {
            case State.Start:
                ReadStart(c);
                break;
            case State.Outside:
                ReadOutside(c);
                break;
            case State.AfterOpener:
                ReadAfterOpener(c);
                break;
            case State.InObject:
                _held.Append(c);
                ReadObject(c);
                break;
            case State.AfterObject:
                ReadAfterObject(c);
                break;
            case State.MistralList:
                ReadMistralList(c);
                break;
            case State.MistralName:
                ReadMistralName(c);
                break;
            default:
                ReadMistralArguments(c);
                break;
        }
    }

    private void ReadStart(char c)
    {
        _held.Append(c);
        var written = _held.ToString();
        var compact = string.Concat(written.Where(w => !char.IsWhiteSpace(w)));
        if (compact.Length < BareCallStart.Length && BareCallStart.StartsWith(compact, StringComparison.Ordinal))
        {
            return;
        }
        _held.Clear();
        if (!compact.StartsWith(BareCallStart, StringComparison.Ordinal))
        {
            _state = State.Outside;
            ReadAll(written);
            return;
        }
        BeginObject();
        foreach (var w in written.TrimStart())
        {
            _held.Append(w);
            ReadObject(w);
        }
    }

    private void ReadAll(string text)
    {
        foreach (var c in text)
        {
            Read(c);
        }
    }

    private void ReadOutside(char c)
    {
        if (_afterCall && char.IsWhiteSpace(c))
        {
            return;
        }
        _afterCall = false;
        _held.Append(c);
        if (KeepOpenerPrefix() == _opener.Length)
        {
            _state = State.AfterOpener;
        }
    }

    /// <summary>Releases held text that can no longer start the opener; returns how much of the opener the rest matches.</summary>
    private int KeepOpenerPrefix()
    {
        var skip = 0;
        while (skip < _held.Length && !IsOpenerPrefix(skip))
        {
            skip++;
        }
        _text.Append(_held, 0, skip);
        _held.Remove(0, skip);
        return _held.Length;
    }

    private bool IsOpenerPrefix(int from)
    {
        var length = _held.Length - from;
        if (length > _opener.Length)
        {
            return false;
        }
        for (var i = 0; i < length; i++)
        {
            if (_held[from + i] != _opener[i])
            {
                return false;
            }
        }
        return true;
    }

    private void ReadAfterOpener(char c)
    {
        _held.Append(c);
        if (char.IsWhiteSpace(c))
        {
            return;
        }
        if (c == '{')
        {
            BeginObject();
            ReadObject(c);
        }
        else if (family == LocalToolFamily.Mistral)
        {
            _inList = c == '[';
            _state = _inList ? State.MistralList : State.MistralName;
        }
        else
        {
            GiveBack();
        }
    }

    private void BeginObject()
    {
        _object = new ToolCallObjectScanner();
        _call = null;
        _state = State.InObject;
    }

    private void ReadObject(char c)
    {
        var closed = _object!.Feed(c);
        if (_call is null && _object.Name is { } name)
        {
            StartCall(name);
        }
        if (closed)
        {
            if (_call is null)
            {
                GiveBack();
                return;
            }
            CompleteCall();
            _held.Clear();
            _state = _inList ? State.MistralList : State.AfterObject;
        }
    }

    private void ReadAfterObject(char c)
    {
        if (_closer is null)
        {
            _state = State.Outside;
            ReadOutside(c);
            return;
        }
        _held.Append(c);
        var written = _held.ToString().TrimStart();
        if (written.Length == 0)
        {
            return;
        }
        if (_closer.StartsWith(written, StringComparison.Ordinal))
        {
            if (written.Length == _closer.Length)
            {
                _held.Clear();
                _state = State.Outside;
            }
            return;
        }
        // No closer after all: what follows the call is text again.
        _held.Clear();
        _state = State.Outside;
        ReadAll(written);
    }

    private void ReadMistralList(char c)
    {
        if (char.IsWhiteSpace(c) || c == ',')
        {
            return;
        }
        if (c == '{')
        {
            BeginObject();
            _held.Append(c);
            ReadObject(c);
            return;
        }
        _inList = false;
        _held.Clear();
        _state = State.Outside;
        if (c != ']')
        {
            ReadOutside(c);
        }
    }

    private void ReadMistralName(char c)
    {
        _held.Append(c);
        var held = _held.ToString();
        if (!held.EndsWith(MistralArgs, StringComparison.Ordinal))
        {
            if (c == '\n' || held.Length > 256)
            {
                GiveBack();
            }
            return;
        }
        var name = held[(_opener.Length)..^MistralArgs.Length].Trim();
        if (name.Length == 0)
        {
            GiveBack();
            return;
        }
        _object = null;
        StartCall(name);
        _arguments = default;
        _argumentsStarted = false;
        _state = State.MistralArguments;
    }

    private void ReadMistralArguments(char c)
    {
        if (!_argumentsStarted && char.IsWhiteSpace(c))
        {
            return;
        }
        _argumentsStarted = true;
        var step = _arguments.Feed(c);
        if (step == JsonValueStep.After)
        {
            CompleteCall();
            _held.Clear();
            _state = State.Outside;
            ReadOutside(c);
            return;
        }
        _mistralArguments.Append(c);
        if (step == JsonValueStep.Ended)
        {
            CompleteCall();
            _held.Clear();
            _state = State.Outside;
        }
    }

    private void StartCall(string name)
    {
        SendText();
        _call = new ToolCallBuffer(Calls) { Name = name };
        _call.Append(null, replaced: false, sink);
    }

    private void CompleteCall()
    {
        SendArguments();
        _call!.Complete(sink);
        _call = null;
        _object = null;
        _afterCall = true;
        Calls++;
    }

    /// <summary>What was read as the start of a call was not one: it is text, read again after its first mark (the opener or a bare call's brace).</summary>
    private void GiveBack()
    {
        var held = _held.ToString();
        var mark = held.StartsWith(_opener, StringComparison.Ordinal) ? _opener.Length : 1;
        _held.Clear();
        _object = null;
        _inList = false;
        _state = State.Outside;
        _text.Append(held, 0, mark);
        ReadAll(held[mark..]);
    }

    private void SendText()
    {
        if (_text.Length > 0)
        {
            sink.Text(Encoding.UTF8.GetBytes(_text.ToString()), logprobs: null);
            _text.Clear();
        }
    }

    private void SendArguments()
    {
        var pending = _object?.Arguments ?? _mistralArguments;
        if (_call is null || pending.Length == 0)
        {
            return;
        }
        _call.Append(pending.ToString(), replaced: false, sink);
        pending.Clear();
    }
}
