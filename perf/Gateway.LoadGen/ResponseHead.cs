using System.Buffers.Text;
using System.Text;

namespace Gateway.LoadGen;

/// <summary>The parts of an HTTP/1.1 response head (RFC 9112 §4, §6) the generator needs to find the body's end.</summary>
/// <param name="ContentLength">-1 when absent.</param>
/// <param name="Length">Bytes of the head, the blank line included.</param>
public readonly record struct ResponseHead(int Status, long ContentLength, bool Chunked, bool Close, int Length)
{
    /// <summary>Parses a head at the start of <paramref name="buffer"/>: 1 done, 0 incomplete, -1 malformed.</summary>
    public static int TryParse(ReadOnlySpan<byte> buffer, out ResponseHead head)
    {
        head = default;
        var end = buffer.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return 0;
        }
        var lines = buffer[..end];
        var lineEnd = lines.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? lines : lines[..lineEnd];
        // status-line = HTTP-version SP 3DIGIT SP [reason-phrase] (RFC 9112 §4).
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var digits) || digits != 3)
        {
            return -1;
        }
        long contentLength = -1;
        var chunked = false;
        var close = statusLine[7] == (byte)'0'; // HTTP/1.0 closes unless told otherwise; good enough here.
        var rest = lineEnd < 0 ? default : lines[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var next = rest.IndexOf("\r\n"u8);
            var line = next < 0 ? rest : rest[..next];
            rest = next < 0 ? default : rest[(next + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return -1;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out var used) || used != value.Length || contentLength < 0)
                {
                    return -1;
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = value.Length >= 7 && Ascii.EqualsIgnoreCase(value[^7..], "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                close = Ascii.EqualsIgnoreCase(value, "close"u8);
            }
        }
        head = new ResponseHead(status, chunked ? -1 : contentLength, chunked, close, end + 4);
        return 1;
    }

    /// <summary>True when a response to this status has no body whatever its headers say (RFC 9112 §6.3).</summary>
    public bool HasNoBody => Status is (>= 100 and < 200) or 204 or 304;
}
