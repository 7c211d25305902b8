using System.Text;
using LLama.Native;

namespace Gateway.Server.Providers.Local;

/// <summary>Turns a sequence's tokens into text as they are generated, keeping UTF-8 characters whole.</summary>
/// <remarks>
/// A token is a byte string, not a character string: byte-level vocabularies split a multi-byte UTF-8
/// character over several tokens (e.g. "é" as &lt;0xC3&gt; then &lt;0xA9&gt;). The stateful UTF-8
/// <see cref="Decoder"/> keeps the incomplete tail between calls, so a delta never carries half a
/// character or a replacement character for one (the same idea as LLamaSharp's StreamingTokenDecoder,
/// without its per-token list copies). Control tokens (end markers) render as nothing.
/// </remarks>
internal sealed class TokenTextDecoder
{
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private byte[] _bytes = new byte[64];
    private char[] _chars = new char[64];

    /// <summary>The text <paramref name="token"/> completes (possibly empty while a character is still partial).</summary>
    public string Append(SafeLlamaModelHandle model, LLamaToken token)
    {
        var length = (int)model.TokenToSpan(token, _bytes);
        if (length > _bytes.Length)
        {
            _bytes = new byte[length];
            length = (int)model.TokenToSpan(token, _bytes);
        }
        return Append(_bytes.AsSpan(0, length));
    }

    /// <summary>Adds raw token bytes; returns the characters they complete.</summary>
    public string Append(ReadOnlySpan<byte> bytes) => Decode(bytes, flush: false);

    /// <summary>At the end of generation: a character left incomplete comes out as U+FFFD rather than vanishing.</summary>
    public string Flush() => Decode([], flush: true);

    private string Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        var count = _utf8.GetCharCount(bytes, flush);
        if (count > _chars.Length)
        {
            _chars = new char[Math.Max(count, _chars.Length * 2)];
        }
        var written = _utf8.GetChars(bytes, _chars, flush);
        return written == 0 ? "" : new string(_chars, 0, written);
    }
}
