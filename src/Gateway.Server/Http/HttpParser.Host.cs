using System.Net;
using System.Net.Sockets;

namespace Gateway.Server.Http;

internal static partial class HttpParser
{
    /// <summary>uri-host [ ":" port ] (RFC 9112 §3.2, RFC 3986 §3.2.2–3.2.3); an empty host or port is allowed.</summary>
    internal static bool IsValidHost(ReadOnlySpan<byte> authority)
    {
        ReadOnlySpan<byte> port;
        if (!authority.IsEmpty && authority[0] == (byte)'[')
        {
            var close = authority.IndexOf((byte)']');
            if (close < 0 || !IsValidIpLiteral(authority[1..close]))
            {
                return false;
            }
            port = authority[(close + 1)..];
        }
        else
        {
            // A reg-name holds no ":", so the first one starts the port; an unbracketed IPv6 literal fails here.
            var colon = authority.IndexOf((byte)':');
            var host = colon < 0 ? authority : authority[..colon];
            if (host.ContainsAnyExcept(HttpCharacters.RegNameChar) || !HttpCharacters.HasValidPercentEncoding(host))
            {
                return false;
            }
            port = colon < 0 ? default : authority[colon..];
        }
        return port.IsEmpty || (port[0] == (byte)':' && !port[1..].ContainsAnyExceptInRange((byte)'0', (byte)'9'));
    }

    /// <summary>IP-literal = "[" ( IPv6address / IPvFuture ) "]", brackets removed; no zone identifier.</summary>
    private static bool IsValidIpLiteral(ReadOnlySpan<byte> literal)
    {
        if (!literal.IsEmpty && (literal[0] | 0x20) == (byte)'v')
        {
            // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
            var dot = literal.IndexOf((byte)'.');
            return dot > 1 && dot < literal.Length - 1
                && !literal[1..dot].ContainsAnyExcept(HttpCharacters.HexDigit)
                && !literal[(dot + 1)..].ContainsAnyExcept(HttpCharacters.IpFutureChar);
        }
        return !literal.ContainsAnyExcept(HttpCharacters.Ipv6Char)
            && IPAddress.TryParse(literal, out var address)
            && address.AddressFamily == AddressFamily.InterNetworkV6;
    }
}
