using System.Text;
using Gateway.Server.Primitives;

namespace Gateway.Server.Routing;

/// <summary>Percent-decoding of path segments (RFC 3986 §2.1); the parser has already checked every triplet.</summary>
internal static class PercentDecoding
{
    /// <summary>Decodes <paramref name="encoded"/> into <paramref name="decoded"/>, which must be at least as long; returns the length.</summary>
    public static int Decode(ReadOnlySpan<byte> encoded, Span<byte> decoded)
    {
        var written = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == (byte)'%' && i + 2 < encoded.Length)
            {
                b = (byte)((HexDigits.ValueOf(encoded[i + 1]) << 4) | HexDigits.ValueOf(encoded[i + 2]));
                i += 2;
            }
            decoded[written++] = b;
        }
        return written;
    }

    /// <summary>The decoded segment as a string; invalid UTF-8 becomes U+FFFD.</summary>
    public static string DecodeToString(ReadOnlySpan<byte> encoded)
    {
        if (!encoded.Contains((byte)'%'))
        {
            return Encoding.UTF8.GetString(encoded);
        }
        var decoded = encoded.Length <= 256 ? stackalloc byte[256] : new byte[encoded.Length];
        return Encoding.UTF8.GetString(decoded[..Decode(encoded, decoded)]);
    }
}
