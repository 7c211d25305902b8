using System.Buffers;
using Gateway.Server.Primitives;

namespace Gateway.Server.Http;

/// <summary>The character classes of RFC 9110 §5.6.2 and RFC 3986 §3.3 as vectorised sets.</summary>
internal static class HttpCharacters
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string HexDigitCharacters = "0123456789ABCDEFabcdef";

    // RFC 3986 §2.3 unreserved and §2.2 sub-delims.
    private const string Unreserved = Alphanumeric + "-._~";
    private const string SubDelimiters = "!$&'()*+,;=";

    /// <summary>tchar: what a method, a header name or a transfer coding may hold.</summary>
    public static readonly SearchValues<byte> Token = Create("!#$%&'*+-.^_`|~" + Alphanumeric);

    /// <summary>pchar plus "/" (RFC 3986 §3.3), with "%" standing for a percent-encoded triplet checked separately.</summary>
    public static readonly SearchValues<byte> PathChar = Create(Unreserved + SubDelimiters + ":@/%");

    /// <summary>query (RFC 3986 §3.4): pchar, "/" and "?".</summary>
    public static readonly SearchValues<byte> QueryChar = Create(Unreserved + SubDelimiters + ":@/?%");

    /// <summary>reg-name (RFC 3986 §3.2.2), with "%" standing for a percent-encoded triplet checked separately.</summary>
    public static readonly SearchValues<byte> RegNameChar = Create(Unreserved + SubDelimiters + "%");

    public static readonly SearchValues<byte> HexDigit = Create(HexDigitCharacters);

    /// <summary>What an IPv6address (RFC 3986 §3.2.2) may hold: hex groups, colons, and dots of a trailing IPv4 part.</summary>
    public static readonly SearchValues<byte> Ipv6Char = Create(HexDigitCharacters + ":.");

    /// <summary>The part of an IPvFuture literal after "v" HEXDIG "." (RFC 3986 §3.2.2).</summary>
    public static readonly SearchValues<byte> IpFutureChar = Create(Unreserved + SubDelimiters + ":");

    /// <summary>Control characters a field value must not hold: CTL except HTAB (RFC 9110 §5.5).</summary>
    public static readonly SearchValues<byte> InvalidFieldValue = SearchValues.Create(
        Enumerable.Range(0, 0x20).Where(b => b != '\t').Append(0x7F).Select(b => (byte)b).ToArray());

    private static SearchValues<byte> Create(string characters) =>
        SearchValues.Create(characters.Select(c => (byte)c).ToArray());

    public static bool IsToken(ReadOnlySpan<byte> value) => !value.IsEmpty && !value.ContainsAnyExcept(Token);

    /// <summary>Whether every "%" in <paramref name="value"/> starts a triplet of two hex digits (RFC 3986 §2.1).</summary>
    public static bool HasValidPercentEncoding(ReadOnlySpan<byte> value)
    {
        var i = value.IndexOf((byte)'%');
        while (i >= 0)
        {
            if ((uint)(i + 2) >= (uint)value.Length || !HexDigits.Is(value[i + 1]) || !HexDigits.Is(value[i + 2]))
            {
                return false;
            }
            var next = value[(i + 3)..].IndexOf((byte)'%');
            i = next < 0 ? -1 : i + 3 + next;
        }
        return true;
    }

    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary>Trims optional whitespace (OWS: SP / HTAB) from both ends.</summary>
    public static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length && IsWhitespace(value[start]))
        {
            start++;
        }
        var end = value.Length;
        while (end > start && IsWhitespace(value[end - 1]))
        {
            end--;
        }
        return value[start..end];
    }
}
