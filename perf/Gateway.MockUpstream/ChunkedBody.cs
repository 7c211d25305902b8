using System.Buffers.Text;

namespace Gateway.MockUpstream;

/// <summary>A chunked request body (RFC 9112 §7.1): chunk-size [; ext] CRLF data CRLF ..., 0 CRLF, trailers, CRLF.</summary>
public static class ChunkedBody
{
    public enum Framing
    {
        Complete,
        Incomplete,
        Invalid,
    }

    /// <summary>Whether <paramref name="raw"/> starts with a whole chunked body, and its length in bytes if so.</summary>
    public static Framing Measure(ReadOnlySpan<byte> raw, out int length)
    {
        length = 0;
        var position = 0;
        while (true)
        {
            var lineEnd = raw[position..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return Framing.Incomplete;
            }
            var line = raw.Slice(position, lineEnd);
            var extension = line.IndexOf((byte)';');
            if (!Utf8Parser.TryParse(extension < 0 ? line : line[..extension], out int size, out var used, 'x')
                || used != (extension < 0 ? line.Length : extension) || size < 0)
            {
                return Framing.Invalid;
            }
            position += lineEnd + 2;
            if (size == 0)
            {
                // The trailer section ends with an empty line (§7.1.2).
                while (true)
                {
                    var trailerEnd = raw[position..].IndexOf("\r\n"u8);
                    if (trailerEnd < 0)
                    {
                        return Framing.Incomplete;
                    }
                    position += trailerEnd + 2;
                    if (trailerEnd == 0)
                    {
                        length = position;
                        return Framing.Complete;
                    }
                }
            }
            if (raw.Length - position < size + 2)
            {
                return Framing.Incomplete;
            }
            position += size + 2;
        }
    }

    /// <summary>Moves the data of a complete chunked body (see <see cref="Measure"/>) to its start; returns its length.</summary>
    public static int Decode(Span<byte> raw)
    {
        int position = 0, written = 0;
        while (true)
        {
            var lineEnd = raw[position..].IndexOf("\r\n"u8);
            var line = raw.Slice(position, lineEnd);
            var extension = line.IndexOf((byte)';');
            Utf8Parser.TryParse(extension < 0 ? line : line[..extension], out int size, out _, 'x');
            position += lineEnd + 2;
            if (size == 0)
            {
                return written;
            }
            raw.Slice(position, size).CopyTo(raw[written..]);
            written += size;
            position += size + 2;
        }
    }
}
