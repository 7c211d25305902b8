using System.Globalization;
using System.Text.Unicode;

namespace Gateway.Server.Conversation;

/// <summary>
/// JSON text that no .NET string can carry: bytes that are not UTF-8 (RFC 8259 §8.1) or an escaped surrogate without
/// its pair (§8.2) make every <c>GetString</c> on it throw. Request bodies (Endpoints) and model output (Providers) are
/// checked here.
/// </summary>
internal static class JsonText
{
    /// <summary>Whether every string in <paramref name="json"/> reads as .NET text.</summary>
    /// <param name="json">JSON text, or the contents of one string.</param>
    public static bool IsReadable(ReadOnlySpan<byte> json) => Utf8.IsValid(json) && LoneSurrogateEscape(json) < 0;

    /// <summary>Where the first <c>\uXXXX</c> escape of a surrogate without its pair starts; -1 when there is none.</summary>
    /// <param name="json">JSON text, or the contents of one string: every backslash starts an escape (RFC 8259 §7).</param>
    public static int LoneSurrogateEscape(ReadOnlySpan<byte> json)
    {
        var at = json.IndexOf((byte)'\\');
        while (at >= 0)
        {
            var escape = json[at..];
            var length = 2;
            if (CodeUnit(escape) is { } unit)
            {
                length = 6;
                if (char.IsHighSurrogate(unit) && CodeUnit(escape[6..]) is { } low && char.IsLowSurrogate(low))
                {
                    length = 12;
                }
                else if (char.IsSurrogate(unit))
                {
                    return at;
                }
            }
            if (escape.Length <= length)
            {
                return -1;
            }
            var next = escape[length..].IndexOf((byte)'\\');
            at = next < 0 ? -1 : at + length + next;
        }
        return -1;
    }

    /// <summary>The code unit of the <c>\uXXXX</c> escape that starts <paramref name="text"/>; null when none does.</summary>
    private static char? CodeUnit(ReadOnlySpan<byte> text) =>
        text.Length >= 6 && text[0] == (byte)'\\' && text[1] == (byte)'u'
        && ushort.TryParse(text.Slice(2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit)
            ? (char)unit
            : null;
}
