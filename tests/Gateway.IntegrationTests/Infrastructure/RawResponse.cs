using System.Globalization;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>A response as it came off the wire: status, headers in order, body.</summary>
public sealed record RawResponse(string StatusLine, int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public long? ContentLength => Header("Content-Length") is { } value ? long.Parse(value, CultureInfo.InvariantCulture) : null;

    /// <summary>The single value of a header (case-insensitive name), or null when absent; fails if repeated.</summary>
    public string? Header(string name) => Headers.SingleOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The header names in the order sent.</summary>
    public IEnumerable<string> HeaderNames => Headers.Select(h => h.Key);

    public static RawResponse ParseHead(byte[] head)
    {
        var lines = Encoding.Latin1.GetString(head).Split("\r\n");
        var statusLine = lines[0];
        var statusCode = int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).TakeWhile(l => l.Length > 0)
            .Select(l => l.Split(':', 2))
            .Select(p => KeyValuePair.Create(p[0], p[1].Trim()))
            .ToList();
        return new RawResponse(statusLine, statusCode, headers, "");
    }
}
