using System.Buffers;
using System.Runtime.CompilerServices;

namespace Gateway.Server.Http;

/// <summary>RFC 9112 request-line and field-line parsing over a <see cref="SequenceReader{T}"/>.</summary>
/// <remarks>
/// Every method returns false when the element it parses is not complete yet, and then it has
/// consumed nothing of that element: the caller reads more and calls again with the same bytes.
/// Lines must end in CRLF; a bare LF is rejected rather than tolerated (RFC 9112 §2.2 allows
/// either, and rejecting closes a request-smuggling door between lenient and strict peers).
/// Malformed input throws <see cref="BadHttpRequestException"/> through <see cref="RequestRejection"/>.
/// </remarks>
internal static partial class HttpParser
{
    private const byte ByteCR = (byte)'\r';
    private const byte ByteLF = (byte)'\n';
    private const byte ByteSpace = (byte)' ';
    private const byte ByteColon = (byte)':';

    /// <summary>Parses one request line of at most <paramref name="maxLength"/> bytes (CRLF excluded).</summary>
    public static bool TryParseRequestLine<THandler>(ref SequenceReader<byte> reader, ref THandler handler, int maxLength)
        where THandler : struct, IHttpRequestLineHandler
    {
        // RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request-line.
        while (reader.IsNext("\r\n"u8, advancePast: true))
        {
        }

        var span = reader.UnreadSpan;
        var lineFeed = span.IndexOf(ByteLF);
        if (lineFeed >= 0)
        {
            if (lineFeed > (long)maxLength + 1)
            {
                RequestRejection.Throw(RequestRejectionReason.RequestLineTooLong);
            }
            ParseRequestLine(span[..lineFeed], ref handler);
            reader.Advance(lineFeed + 1);
            return true;
        }
        return TryParseMultiSegmentRequestLine(ref reader, ref handler, maxLength);
    }

    /// <summary>
    /// Parses field lines up to and including the empty line that ends the section. Complete lines
    /// are consumed and reported as they are found; a partial line is left for the next call.
    /// </summary>
    /// <returns>True once the empty line has been consumed.</returns>
    public static bool TryParseHeaders<THandler>(ref SequenceReader<byte> reader, ref THandler handler)
        where THandler : struct, IHttpHeadersHandler
    {
        while (!reader.End)
        {
            var span = reader.UnreadSpan;
            if (span[0] == ByteCR)
            {
                if (reader.Remaining < 2)
                {
                    return false;
                }
                if (!reader.IsNext("\r\n"u8, advancePast: true))
                {
                    RequestRejection.Throw(RequestRejectionReason.InvalidHeaderLine);
                }
                return true;
            }

            var lineFeed = span.IndexOf(ByteLF);
            if (lineFeed >= 0)
            {
                ParseHeaderLine(span[..lineFeed], ref handler);
                reader.Advance(lineFeed + 1);
            }
            else if (!TryParseMultiSegmentHeaderLine(ref reader, ref handler))
            {
                return false;
            }
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryParseMultiSegmentRequestLine<THandler>(ref SequenceReader<byte> reader, ref THandler handler, int maxLength)
        where THandler : struct, IHttpRequestLineHandler
    {
        if (!TryReadMultiSegmentLine(ref reader, maxLength, RequestRejectionReason.RequestLineTooLong, out var line))
        {
            return false;
        }
        using var copy = new LineCopy(line, stackalloc byte[LineCopy.StackLimit]);
        ParseRequestLine(copy.Span, ref handler);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryParseMultiSegmentHeaderLine<THandler>(ref SequenceReader<byte> reader, ref THandler handler)
        where THandler : struct, IHttpHeadersHandler
    {
        // The caller bounds the whole header section by slicing the reader, so no line limit here.
        if (!TryReadMultiSegmentLine(ref reader, int.MaxValue, RequestRejectionReason.HeadersTooLarge, out var line))
        {
            return false;
        }
        using var copy = new LineCopy(line, stackalloc byte[LineCopy.StackLimit]);
        ParseHeaderLine(copy.Span, ref handler);
        return true;
    }

    /// <summary>The slow path for a line that straddles segments: find its end, or say it is too long.</summary>
    private static bool TryReadMultiSegmentLine(
        ref SequenceReader<byte> reader, int maxLength, RequestRejectionReason tooLong, out ReadOnlySequence<byte> line)
    {
        if (!reader.TryReadTo(out line, ByteLF, advancePastDelimiter: true))
        {
            if (reader.Remaining > (long)maxLength + 1)
            {
                RequestRejection.Throw(tooLong);
            }
            return false;
        }
        if (line.Length > (long)maxLength + 1)
        {
            RequestRejection.Throw(tooLong);
        }
        return true;
    }

    /// <summary>Strips the CR that must precede the line feed.</summary>
    private static ReadOnlySpan<byte> WithoutCarriageReturn(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[^1] != ByteCR)
        {
            RequestRejection.Throw(RequestRejectionReason.BareLineFeed);
        }
        return line[..^1];
    }

}
