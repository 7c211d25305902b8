using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Gateway.Server.Primitives;

/// <summary>
/// Escapes JSON strings as <c>JSON.stringify</c> does: only what RFC 8259 §7 requires (quotation mark, reverse solidus,
/// U+0000–U+001F), plus U+2028 and U+2029, which JSON allows raw but JavaScript before ES2019 does not, so a data line
/// stays safe to evaluate as script. Every other character is written as UTF-8, emoji included.
/// </summary>
/// <remarks>
/// The HTML-sensitive characters (&lt; &gt; &amp; ' +) are not escaped: SSE and JSON bodies are never HTML. Since every
/// control character is escaped, a JSON string can never hold a raw CR or LF, so it can never end an SSE data line.
/// </remarks>
internal sealed class JsonStringEncoder : JavaScriptEncoder
{
    /// <summary><c>\u00XX</c>.</summary>
    private const int MaxEscapeLength = 6;

    public static JsonStringEncoder Instance { get; } = new();

    /// <summary>The bytes an escape can start at: controls, quote, backslash, and 0xE2, the lead byte of U+2028/U+2029.</summary>
    private static readonly SearchValues<byte> s_utf8Stops = SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\', 0xE2]);

    private static readonly SearchValues<char> s_stops = SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(c => (char)c), '"', '\\', '\u2028', '\u2029']);

    /// <summary>U+D800–U+DFFF. (IndexOfAnyInRange would do, but allocates until the JIT has optimised it.)</summary>
    private static readonly SearchValues<char> s_surrogates = SearchValues.Create([.. Enumerable.Range(0xD800, 0x800).Select(c => (char)c)]);

    private JsonStringEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => MaxEscapeLength;

    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\' or 0x2028 or 0x2029;

    /// <summary>
    /// The first lone surrogate, wherever it is, so the JSON writer refuses the string before it escapes any of it; else the
    /// first character to escape; -1 when there is neither.
    /// </summary>
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var utf16 = new ReadOnlySpan<char>(text, textLength);
        var valid = ValidLength(utf16, out _);
        return valid < utf16.Length ? valid : utf16.IndexOfAny(s_stops);
    }

    /// <summary>The first byte that is not UTF-8, else the first character to escape (as above); -1 when there is neither.</summary>
    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        var valid = ValidLength(utf8Text, out _);
        return valid < utf8Text.Length ? valid : NextStop(utf8Text);
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        if (WillEncode(unicodeScalar))
        {
            return TryEscape(unicodeScalar, destination, out numberOfCharactersWritten);
        }
        var rune = new Rune(unicodeScalar);
        if (rune.Utf16SequenceLength > destination.Length)
        {
            numberOfCharactersWritten = 0;
            return false;
        }
        numberOfCharactersWritten = rune.EncodeToUtf16(destination);
        return true;
    }

    public override OperationStatus Encode(ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed, out int charsWritten, bool isFinalBlock = true)
    {
        charsConsumed = 0;
        charsWritten = 0;
        while (charsConsumed < source.Length)
        {
            var rest = source[charsConsumed..];
            var stop = rest.IndexOfAny(s_stops);
            var plain = stop < 0 ? rest : rest[..stop];
            var valid = ValidLength(plain, out var status);
            if (!plain[..valid].TryCopyTo(destination[charsWritten..]))
            {
                return OperationStatus.DestinationTooSmall;
            }
            charsConsumed += valid;
            charsWritten += valid;
            if (status != OperationStatus.Done)
            {
                return Invalid(status, stop, isFinalBlock);
            }
            if (stop < 0)
            {
                break;
            }
            if (!TryEscape(rest[stop], destination[charsWritten..], out var written))
            {
                return OperationStatus.DestinationTooSmall;
            }
            charsConsumed++;
            charsWritten += written;
        }
        return OperationStatus.Done;
    }

    public override OperationStatus EncodeUtf8(ReadOnlySpan<byte> utf8Source, Span<byte> utf8Destination, out int bytesConsumed, out int bytesWritten, bool isFinalBlock = true)
    {
        bytesConsumed = 0;
        bytesWritten = 0;
        Span<char> escape = stackalloc char[MaxEscapeLength];
        while (bytesConsumed < utf8Source.Length)
        {
            var rest = utf8Source[bytesConsumed..];
            var stop = NextStop(rest);
            var plain = stop < 0 ? rest : rest[..stop];
            var valid = ValidLength(plain, out var status);
            if (!plain[..valid].TryCopyTo(utf8Destination[bytesWritten..]))
            {
                return OperationStatus.DestinationTooSmall;
            }
            bytesConsumed += valid;
            bytesWritten += valid;
            if (status != OperationStatus.Done)
            {
                return Invalid(status, stop, isFinalBlock);
            }
            if (stop < 0)
            {
                break;
            }
            Rune.DecodeFromUtf8(rest[stop..], out var rune, out var length);
            TryEscape(rune.Value, escape, out var written);
            if (written > utf8Destination.Length - bytesWritten)
            {
                return OperationStatus.DestinationTooSmall;
            }
            Encoding.ASCII.GetBytes(escape[..written], utf8Destination[bytesWritten..]);
            bytesConsumed += length;
            bytesWritten += written;
        }
        return OperationStatus.Done;
    }

    /// <summary>A character cut by the end of the source may go on in the next block; cut by a character to escape, it is invalid.</summary>
    private static OperationStatus Invalid(OperationStatus status, int stop, bool isFinalBlock) =>
        status == OperationStatus.NeedMoreData && stop < 0 && !isFinalBlock ? OperationStatus.NeedMoreData : OperationStatus.InvalidData;

    /// <summary>The length of the well-formed UTF-16 that starts <paramref name="utf16"/>: all of it unless a surrogate is unpaired.</summary>
    private static int ValidLength(ReadOnlySpan<char> utf16, out OperationStatus status)
    {
        status = OperationStatus.Done;
        var length = utf16.IndexOfAny(s_surrogates);
        if (length < 0)
        {
            return utf16.Length;
        }
        while (length < utf16.Length && (status = Rune.DecodeFromUtf16(utf16[length..], out _, out var used)) == OperationStatus.Done)
        {
            length += used;
        }
        return length;
    }

    /// <summary>The length of the valid UTF-8 that starts <paramref name="utf8"/>: all of it unless some is not UTF-8.</summary>
    private static int ValidLength(ReadOnlySpan<byte> utf8, out OperationStatus status)
    {
        status = OperationStatus.Done;
        if (Utf8.IsValid(utf8))
        {
            return utf8.Length;
        }
        var length = 0;
        while ((status = Rune.DecodeFromUtf8(utf8[length..], out _, out var used)) == OperationStatus.Done)
        {
            length += used;
        }
        return length;
    }

    /// <summary>The first byte that starts a character to escape; -1 when none does.</summary>
    private static int NextStop(ReadOnlySpan<byte> utf8Text)
    {
        var searched = 0;
        while (true)
        {
            var stop = utf8Text[searched..].IndexOfAny(s_utf8Stops);
            if (stop < 0)
            {
                return -1;
            }
            searched += stop;
            // 0xE2 leads all of U+2000–U+2FFF (dashes, curly quotes, …); only E2 80 A8 and E2 80 A9 are escaped.
            if (utf8Text[searched] != 0xE2 || utf8Text[searched..] is [_, 0x80, 0xA8 or 0xA9, ..])
            {
                return searched;
            }
            searched++;
        }
    }

    /// <summary>The escape of a character <see cref="WillEncode"/> picks: the short forms of RFC 8259 §7, else <c>\u</c> and four hex digits.</summary>
    private static bool TryEscape(int scalar, Span<char> destination, out int written)
    {
        char shortForm = scalar switch
        {
            '"' => '"',
            '\\' => '\\',
            '\b' => 'b',
            '\f' => 'f',
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            _ => '\0',
        };
        written = shortForm == '\0' ? MaxEscapeLength : 2;
        if (destination.Length < written)
        {
            written = 0;
            return false;
        }
        destination[0] = '\\';
        if (shortForm != '\0')
        {
            destination[1] = shortForm;
            return true;
        }
        destination[1] = 'u';
        return ((ushort)scalar).TryFormat(destination[2..], out _, "x4", provider: null);
    }
}
