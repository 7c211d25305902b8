using System.Buffers;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Gateway.Tools;

/// <summary>
/// Escapes JSON strings as <c>JSON.stringify</c> does: only what RFC 8259 §7 requires (quotation mark, reverse solidus,
/// U+0000–U+001F), plus U+2028 and U+2029, which JSON allows raw but JavaScript before ES2019 does not, so a data line
/// stays safe to evaluate as script. Every other character is written as UTF-8, emoji included.
/// </summary>
/// <remarks>
/// The HTML-sensitive characters (&lt; &gt; &amp; ' +) are not escaped: SSE and JSON bodies are never HTML. Since every
/// control character is escaped, a JSON string can never hold a raw CR or LF, so it can never end an SSE data line.
/// </remarks>
public sealed class JsonStringEncoder : JavaScriptEncoder
{
    /// <summary><c>\u00XX</c>.</summary>
    private const int MaxEscapeLength = 6;

    /// <summary>The bytes an escape can start at: controls, quote, backslash, and 0xE2, the lead byte of U+2028/U+2029.</summary>
    private static readonly SearchValues<byte> s_utf8Stops = SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\', 0xE2]);

    private static readonly SearchValues<char> s_stops = SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(c => (char)c), '"', '\\', '\u2028', '\u2029']);

    /// <summary>U+D800–U+DFFF. (IndexOfAnyInRange would do, but allocates until the JIT has optimised it.)</summary>
    private static readonly SearchValues<char> s_surrogates = SearchValues.Create([.. Enumerable.Range(0xD800, 0x800).Select(c => (char)c)]);

    private JsonStringEncoder()
    {
    }

    public static JsonStringEncoder Instance { get; } = new();

    /// <summary>The options of every JSON writer whose output leaves the process: this escaper, minified.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = Instance };

    public override int MaxOutputCharactersPerInputCharacter => MaxEscapeLength;

    /// <summary>UTF-16 or UTF-8, as <see cref="Encode{T, TText}"/> walks it.</summary>
    private interface IText<T>
        where T : unmanaged, IBinaryInteger<T>
    {
        /// <summary>Where the first character to escape starts; -1 when there is none.</summary>
        static abstract int NextStop(ReadOnlySpan<T> text);

        /// <summary>The length of the well-formed text <paramref name="text"/> starts with: all of it, unless some is not.</summary>
        static abstract int ValidLength(ReadOnlySpan<T> text, out OperationStatus status);

        /// <summary>The character a stop starts with, and its length in code units.</summary>
        static abstract int Decode(ReadOnlySpan<T> text, out int length);
    }

    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\' or 0x2028 or 0x2029;

    /// <summary>
    /// The first lone surrogate, wherever it is, so the JSON writer refuses the string before it escapes any of it; else the
    /// first character to escape; -1 when there is neither.
    /// </summary>
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) =>
        FindFirst<char, Utf16Text>(new ReadOnlySpan<char>(text, textLength));

    /// <summary>The first byte that is not UTF-8, else the first character to escape (as above); -1 when there is neither.</summary>
    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text) => FindFirst<byte, Utf8Text>(utf8Text);

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

    public override OperationStatus Encode(ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed, out int charsWritten, bool isFinalBlock = true) =>
        Encode<char, Utf16Text>(source, destination, out charsConsumed, out charsWritten, isFinalBlock);

    public override OperationStatus EncodeUtf8(ReadOnlySpan<byte> utf8Source, Span<byte> utf8Destination, out int bytesConsumed, out int bytesWritten, bool isFinalBlock = true) =>
        Encode<byte, Utf8Text>(utf8Source, utf8Destination, out bytesConsumed, out bytesWritten, isFinalBlock);

    private static int FindFirst<T, TText>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
        where TText : IText<T>
    {
        var valid = TText.ValidLength(text, out _);
        return valid < text.Length ? valid : TText.NextStop(text);
    }

    /// <summary>Copies the runs between stops as they are and escapes each stop.</summary>
    private static OperationStatus Encode<T, TText>(ReadOnlySpan<T> source, Span<T> destination, out int consumed, out int written, bool isFinalBlock)
        where T : unmanaged, IBinaryInteger<T>
        where TText : IText<T>
    {
        consumed = 0;
        written = 0;
        while (consumed < source.Length)
        {
            var rest = source[consumed..];
            var stop = TText.NextStop(rest);
            var plain = stop < 0 ? rest : rest[..stop];
            var valid = TText.ValidLength(plain, out var status);
            if (!plain[..valid].TryCopyTo(destination[written..]))
            {
                return OperationStatus.DestinationTooSmall;
            }
            consumed += valid;
            written += valid;
            if (status != OperationStatus.Done)
            {
                // A character cut by the end of the source may go on in the next block; cut by a stop, it is invalid.
                return status == OperationStatus.NeedMoreData && stop < 0 && !isFinalBlock ? OperationStatus.NeedMoreData : OperationStatus.InvalidData;
            }
            if (stop < 0)
            {
                break;
            }
            var scalar = TText.Decode(rest[stop..], out var length);
            if (!TryEscape(scalar, destination[written..], out var escaped))
            {
                return OperationStatus.DestinationTooSmall;
            }
            consumed += length;
            written += escaped;
        }
        return OperationStatus.Done;
    }

    /// <summary>The escape of a character <see cref="WillEncode"/> picks: the short forms of RFC 8259 §7, else <c>\u</c> and four hex digits.</summary>
    private static bool TryEscape<T>(int scalar, Span<T> destination, out int written)
        where T : unmanaged, IBinaryInteger<T>
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
        destination[0] = T.CreateTruncating('\\');
        if (shortForm != '\0')
        {
            destination[1] = T.CreateTruncating(shortForm);
            return true;
        }
        destination[1] = T.CreateTruncating('u');
        for (var digit = 0; digit < 4; digit++)
        {
            destination[2 + digit] = T.CreateTruncating("0123456789abcdef"[(scalar >> (12 - (4 * digit))) & 0xF]);
        }
        return true;
    }

    private readonly struct Utf16Text : IText<char>
    {
        public static int NextStop(ReadOnlySpan<char> text) => text.IndexOfAny(s_stops);

        public static int ValidLength(ReadOnlySpan<char> text, out OperationStatus status)
        {
            status = OperationStatus.Done;
            var length = text.IndexOfAny(s_surrogates);
            if (length < 0)
            {
                return text.Length;
            }
            while (length < text.Length && (status = Rune.DecodeFromUtf16(text[length..], out _, out var used)) == OperationStatus.Done)
            {
                length += used;
            }
            return length;
        }

        /// <remarks>Every stop is one UTF-16 code unit.</remarks>
        public static int Decode(ReadOnlySpan<char> text, out int length)
        {
            length = 1;
            return text[0];
        }
    }

    private readonly struct Utf8Text : IText<byte>
    {
        public static int NextStop(ReadOnlySpan<byte> text)
        {
            var searched = 0;
            while (true)
            {
                var stop = text[searched..].IndexOfAny(s_utf8Stops);
                if (stop < 0)
                {
                    return -1;
                }
                searched += stop;
                // 0xE2 leads all of U+2000–U+2FFF (dashes, curly quotes, …); only E2 80 A8 and E2 80 A9 are escaped.
                if (text[searched] != 0xE2 || text[searched..] is [_, 0x80, 0xA8 or 0xA9, ..])
                {
                    return searched;
                }
                searched++;
            }
        }

        public static int ValidLength(ReadOnlySpan<byte> text, out OperationStatus status)
        {
            status = OperationStatus.Done;
            if (Utf8.IsValid(text))
            {
                return text.Length;
            }
            var length = 0;
            while ((status = Rune.DecodeFromUtf8(text[length..], out _, out var used)) == OperationStatus.Done)
            {
                length += used;
            }
            return length;
        }

        public static int Decode(ReadOnlySpan<byte> text, out int length)
        {
            Rune.DecodeFromUtf8(text, out var rune, out length);
            return rune.Value;
        }
    }
}
