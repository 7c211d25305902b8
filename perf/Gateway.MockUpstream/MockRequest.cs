using System.Buffers.Text;
using System.Text;

namespace Gateway.MockUpstream;

/// <summary>One parsed request: its route, where its body is in the read buffer, and whether the connection stays open.</summary>
public readonly record struct MockRequest(MockRoute Route, int BodyStart, int BodyLength, bool KeepAlive)
{
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    /// <summary>
    /// Parses one request from the start of <paramref name="buffer"/>. On success <paramref name="consumed"/> is its
    /// length; on failure it is the total length needed when the head is complete but the body is not, else 0. A
    /// chunked body is decoded in place, its data moved together at the start of the body.
    /// </summary>
    public static bool TryParse(Span<byte> buffer, out MockRequest request, out int consumed)
    {
        request = default;
        consumed = 0;
        var headLength = buffer.IndexOf(HeadEnd);
        if (headLength < 0)
        {
            return false;
        }
        var head = buffer[..headLength];
        var lineEnd = head.IndexOf("\r\n"u8);
        var requestLine = lineEnd < 0 ? head : head[..lineEnd];
        var contentLength = 0;
        var keepAlive = true;
        var chunked = false;
        // Header fields (RFC 9112 §5): names are case-insensitive; only three matter here.
        var rest = lineEnd < 0 ? default : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                _ = Utf8Parser.TryParse(value, out contentLength, out _);
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                keepAlive = !Ascii.EqualsIgnoreCase(value, "close"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = true;
            }
        }
        var bodyStart = headLength + HeadEnd.Length;
        if (chunked)
        {
            // HttpClient sends JsonContent chunked (its length is not known before it is written).
            var framing = ChunkedBody.Measure(buffer[bodyStart..], out var rawLength);
            if (framing == ChunkedBody.Framing.Incomplete)
            {
                return false;
            }
            if (framing == ChunkedBody.Framing.Invalid)
            {
                consumed = buffer.Length;
                request = new MockRequest(MockRoute.BadRequest, bodyStart, 0, KeepAlive: false);
                return true;
            }
            consumed = bodyStart + rawLength;
            request = new MockRequest(RouteOf(requestLine), bodyStart, ChunkedBody.Decode(buffer[bodyStart..consumed]), keepAlive);
            return true;
        }
        if (buffer.Length - bodyStart < contentLength)
        {
            consumed = bodyStart + contentLength;
            return false;
        }
        consumed = bodyStart + contentLength;
        request = new MockRequest(RouteOf(requestLine), bodyStart, contentLength, keepAlive);
        return true;
    }

    private static MockRoute RouteOf(ReadOnlySpan<byte> requestLine)
    {
        var space = requestLine.IndexOf((byte)' ');
        if (space < 0)
        {
            return MockRoute.BadRequest;
        }
        var method = requestLine[..space];
        var target = requestLine[(space + 1)..];
        var targetEnd = target.IndexOfAny((byte)' ', (byte)'?');
        var path = targetEnd < 0 ? target : target[..targetEnd];
        if (method.SequenceEqual("GET"u8))
        {
            return path.SequenceEqual("/v1/models"u8) ? MockRoute.Models : path.SequenceEqual("/health"u8) ? MockRoute.Health : MockRoute.NotFound;
        }
        if (!method.SequenceEqual("POST"u8))
        {
            return MockRoute.NotFound;
        }
        return path.SequenceEqual("/v1/chat/completions"u8) ? MockRoute.Chat
            : path.SequenceEqual("/v1/messages"u8) ? MockRoute.Messages
            : path.SequenceEqual("/v1/responses"u8) ? MockRoute.Responses
            : MockRoute.NotFound;
    }
}
