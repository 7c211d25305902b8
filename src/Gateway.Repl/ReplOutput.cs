using System.Text;

namespace Gateway.Repl;

/// <summary>
/// One turn's printed lines as fed back to the model: joined by "\n", kept up to the output limit and cut there
/// without splitting a surrogate pair, then "\n...[truncated]" (origin's <c>rlm/repl.ts</c>).
/// </summary>
internal sealed class ReplOutput(int maxChars)
{
    private const string TruncatedSuffix = "\n...[truncated]";
    private readonly StringBuilder _text = new();
    private bool _any;

    /// <summary>Adds a well-formed line; nothing past the limit is kept (one unit more marks the cut).</summary>
    public void AddLine(string line)
    {
        if (_any)
        {
            Append("\n");
        }
        _any = true;
        Append(line);
    }

    public (string Stdout, bool Truncated) Finish()
    {
        if (_text.Length <= maxChars)
        {
            return (_text.ToString(), false);
        }
        var cut = maxChars > 0 && char.IsHighSurrogate(_text[maxChars - 1]) ? maxChars - 1 : maxChars;
        return (_text.ToString(0, cut) + TruncatedSuffix, true);
    }

    private void Append(string text)
    {
        var room = maxChars + 1 - _text.Length;
        if (room > 0)
        {
            _text.Append(text, 0, Math.Min(room, text.Length));
        }
    }
}
