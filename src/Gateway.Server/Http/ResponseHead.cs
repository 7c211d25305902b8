using System.Buffers;

namespace Gateway.Server.Http;

/// <summary>Writes a response's status line and header section (RFC 9112 §4, §5) from fixed bytes.</summary>
internal static class ResponseHead
{
    /// <summary>A <c>contentLength</c> meaning the body follows in the chunked coding (RFC 9112 §7.1).</summary>
    public const long Chunked = -1;

    /// <summary>A <c>contentLength</c> meaning the body ends when the connection closes (RFC 9112 §6.3, for HTTP/1.0 peers).</summary>
    public const long CloseDelimited = -2;

    /// <param name="dateLine">The whole Date header line, from <see cref="DateHeader.Line"/>.</param>
    /// <param name="contentType">The Content-Type's value; empty for none (a 204).</param>
    /// <param name="contentLength">The body's length, or <see cref="Chunked"/>, or <see cref="CloseDelimited"/>.</param>
    /// <param name="connectionLine">"Connection: close\r\n", "Connection: keep-alive\r\n", or empty.</param>
    /// <param name="extraHeaderLines">More whole header lines with their CRLFs (Allow, WWW-Authenticate, Cache-Control), or empty.</param>
    public static void Write<T>(
        T output,
        int statusCode,
        ReadOnlySpan<byte> dateLine,
        ReadOnlySpan<byte> contentType,
        long contentLength,
        ReadOnlySpan<byte> connectionLine,
        ReadOnlySpan<byte> extraHeaderLines)
        where T : IBufferWriter<byte>
    {
        var writer = new BufferWriter<T>(output);
        writer.Write(StatusLines.For(statusCode));
        writer.Write(dateLine);
        // A 204 has no content, so no type either (RFC 9110 §8.3 asks a type of a message with content).
        if (!contentType.IsEmpty)
        {
            writer.Write("Content-Type: "u8);
            writer.Write(contentType);
            writer.Write("\r\n"u8);
        }
        // RFC 9110 §8.6: a 304 may not give a Content-Length other than the 200's, and a 204 may give none (§15.3.5).
        if (contentLength >= 0 && statusCode is not (204 or 304))
        {
            writer.Write("Content-Length: "u8);
            writer.WriteNumber(contentLength);
            writer.Write("\r\n"u8);
        }
        else if (contentLength == Chunked)
        {
            writer.Write("Transfer-Encoding: chunked\r\n"u8);
        }
        writer.Write(connectionLine);
        writer.Write(extraHeaderLines);
        writer.Write("\r\n"u8);
        writer.Commit();
    }
}
