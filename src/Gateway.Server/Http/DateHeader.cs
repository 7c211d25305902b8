using System.Buffers.Text;

namespace Gateway.Server.Http;

/// <summary>The current "Date: ...\r\n" header line (RFC 9110 §6.6.1), refreshed once a second by the heartbeat.</summary>
/// <remarks>Readers take the array reference once; a refresh swaps in a new array and never mutates a published one.</remarks>
internal sealed class DateHeader
{
    private volatile byte[] _line = Format(DateTimeOffset.UtcNow);

    public ReadOnlySpan<byte> Line => _line;

    public void Refresh(DateTimeOffset now) => _line = Format(now);

    private static byte[] Format(DateTimeOffset now)
    {
        // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7), is the 'R' format.
        Span<byte> buffer = stackalloc byte[64];
        "Date: "u8.CopyTo(buffer);
        Utf8Formatter.TryFormat(now, buffer[6..], out var written, 'R');
        "\r\n"u8.CopyTo(buffer[(6 + written)..]);
        return buffer[..(6 + written + 2)].ToArray();
    }
}
