namespace Gateway.Server.Primitives;

/// <summary>Hex digits as they appear in percent-encodings (RFC 3986 §2.1) and chunk sizes (RFC 9112 §7.1).</summary>
internal static class HexDigits
{
    public static bool Is(byte b) => char.IsAsciiHexDigit((char)b);

    /// <summary>The value of a byte already known to be a hex digit.</summary>
    public static int ValueOf(byte digit) => digit <= (byte)'9' ? digit - '0' : (digit | 0x20) - 'a' + 10;
}
