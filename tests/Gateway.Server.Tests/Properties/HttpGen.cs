using CsCheck;

namespace Gateway.Server.Tests.Properties;

/// <summary>Generators of the pieces of HTTP/1.1 messages that are valid by the grammar of RFC 9110 and RFC 9112.</summary>
/// <remarks>Strings are Latin-1 (see <see cref="TestSequence.Bytes"/>), so a char is one byte on the wire.</remarks>
internal static class HttpGen
{
    private const string Alphanumeric = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>RFC 9110 §5.6.2: tchar.</summary>
    private const string TokenChars = "!#$%&'*+-.^_`|~" + Alphanumeric;

    /// <summary>RFC 3986 §3.3: pchar without pct-encoded (generated apart, so '%' is always followed by two HEXDIG).</summary>
    private const string PathChars = "-._~!$&'()*+,;=:@" + Alphanumeric;

    /// <summary>Optional whitespace (RFC 9110 §5.6.3): OWS and BWS alike.</summary>
    public static readonly Gen<string> Whitespace = Gen.OneOf("", "", " ", "\t", " \t ");

    public static readonly Gen<string> Token = Gen.Char[TokenChars].Array[1, 12].Select(chars => new string(chars));

    /// <summary>RFC 9110 §5.5: field-vchar (VCHAR and obs-text) with inner spaces and tabs, possibly empty.</summary>
    public static readonly Gen<string> FieldValue = Gen.Frequency(
            (12, Gen.Char['\x21', '\x7e']), (2, Gen.Char['\x80', '\xff']), (3, Gen.Char[" \t"]))
        .Array[0, 24]
        .Select(chars => new string(chars).Trim(' ', '\t'));

    /// <summary>A field line with optional whitespace around its value (RFC 9112 §5).</summary>
    public static readonly Gen<string> FieldLine =
        Gen.Select(Token, Whitespace, FieldValue, Whitespace, (name, before, value, after) => $"{name}:{before}{value}{after}\r\n");

    /// <summary>RFC 9110 §5.6.4: a quoted-string, with quoted-pairs.</summary>
    public static readonly Gen<string> QuotedString = Gen.Frequency(
            (10, Gen.Char["\t !#$%&'()*+,-./:;<=>?@[]^_`{|}~" + Alphanumeric].Select(c => c.ToString())),
            (2, Gen.Char['\x80', '\xff'].Select(c => c.ToString())),
            (2, Gen.Char["\"\\ \tazAZ"].Select(c => "\\" + c)))
        .Array[0, 10]
        .Select(parts => "\"" + string.Concat(parts) + "\"");

    /// <summary>RFC 3986 §3.3: an absolute path of segments, some percent-encoded (never %00, which the server refuses), and a query now and then.</summary>
    public static readonly Gen<string> OriginForm =
        Gen.Select(
            Gen.Frequency((8, Gen.Char[PathChars].Select(c => c.ToString())), (1, Gen.Byte[1, 255].Select(b => $"%{b:X2}")))
                .Array[0, 8].Select(string.Concat).Array[1, 4],
            Gen.Frequency((3, Gen.Const("")), (1, Gen.Char[PathChars + "/?"].Array[0, 12].Select(chars => "?" + new string(chars)))),
            (segments, query) => "/" + string.Join('/', segments) + query);

    /// <summary>RFC 9110 §7.2: a Host value, as a name, an IPv4 or a bracketed IPv6 address, with a port now and then.</summary>
    public static readonly Gen<string> Host = Gen.Select(
        Gen.OneOf("localhost", "example.com", "127.0.0.1", "[::1]", "a-b.c0"),
        Gen.OneOf("", ":80", ":4000", ":65535"),
        (name, port) => name + port);
}
