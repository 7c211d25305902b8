using System.Buffers;

namespace Gateway.Server.Http;

/// <summary>Writes a response's status line and header section (RFC 9112 §4, §5) from fixed bytes.</summary>
internal static class ResponseHead
{
    /// <param name="dateLine">The whole Date header line, from <see cref="DateHeader.Line"/>.</param>
    /// <param name="connectionLine">"Connection: close\r\n", "Connection: keep-alive\r\n", or empty.</param>
    /// <param name="extraHeaderLine">One more whole header line with its CRLF (Allow, WWW-Authenticate), or empty.</param>
    public static void Write<T>(
        T output,
        int statusCode,
        ReadOnlySpan<byte> dateLine,
        ReadOnlySpan<byte> contentType,
        long contentLength,
        ReadOnlySpan<byte> connectionLine,
        ReadOnlySpan<byte> extraHeaderLine)
        where T : IBufferWriter<byte>
    {
        var writer = new BufferWriter<T>(output);
        writer.Write(StatusLines.For(statusCode));
        writer.Write(dateLine);
        writer.Write("Content-Type: "u8);
        writer.Write(contentType);
        writer.Write("\r\nContent-Length: "u8);
        writer.WriteNumber(contentLength);
        writer.Write("\r\n"u8);
        writer.Write(connectionLine);
        writer.Write(extraHeaderLine);
        writer.Write("\r\n"u8);
        writer.Commit();
    }
}
