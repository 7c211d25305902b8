using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Gateway.Server.Cluster;

/// <summary>REDIS_URL, <c>redis://[:password@]host:port[/db]</c>, read strictly (docs/deploy.md).</summary>
/// <remarks>Ours rather than the client's own "host:port,password=…" syntax: operators write URLs, and a typo must stop start-up rather than connect elsewhere.</remarks>
internal static class RedisUrl
{
    public const string Shape = "redis://[:password@]host:port[/db]";

    private const string Scheme = "redis://";

    /// <summary>The address to connect to, or false with why not; the reason never repeats the password.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out RedisAddress? address, out string error)
    {
        var reason = Parse(text, out address);
        error = reason is null ? "" : $"{reason}; expected {Shape}";
        return reason is null;
    }

    private static string? Parse(string text, out RedisAddress? address)
    {
        address = null;
        if (!text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return "the scheme must be redis://";
        }
        var rest = text.AsSpan(Scheme.Length);
        string? password = null;
        int? database = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            // RFC 3986 §3.2.1: user info before '@'; Redis's AUTH with one argument takes only a password, so no user name.
            if (userInfo.Length < 2 || userInfo[0] != ':')
            {
                return "the part before '@' must be ':password'";
            }
            password = Uri.UnescapeDataString(userInfo[1..].ToString());
            rest = rest[(at + 1)..];
        }
        var slash = rest.IndexOf('/');
        var authority = slash >= 0 ? rest[..slash] : rest;
        if (slash >= 0)
        {
            var db = rest[(slash + 1)..];
            if (!int.TryParse(db, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return "the database after '/' must be a whole number";
            }
            database = number;
        }
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return "host:port needs a port from 1 to 65535";
        }
        var host = authority[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            // RFC 3986 §3.2.2: an IPv6 address is written in brackets.
            if (!IPAddress.TryParse(host[1..^1], out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return "the host in brackets must be an IPv6 address";
            }
            address = new RedisAddress(new IPEndPoint(ip, port), password, database);
            return null;
        }
        if (!IsHostName(host))
        {
            return "the host must be a name or an IPv4 address";
        }
        address = new RedisAddress(IPAddress.TryParse(host, out var v4) ? new IPEndPoint(v4, port) : new DnsEndPoint(host.ToString(), port), password, database);
        return null;
    }

    /// <summary>A DNS name or dotted IPv4 address: letters, digits, '-' and '.' (RFC 1123 §2.1).</summary>
    private static bool IsHostName(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty || host.Length > 253 || host[0] == '.' || host[^1] == '.')
        {
            return false;
        }
        foreach (var c in host)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.'))
            {
                return false;
            }
        }
        return true;
    }
}
