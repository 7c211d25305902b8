using System.Buffers;
using Gateway.Server.Http;

namespace Gateway.Server.Tests.Properties;

/// <summary>
/// Reads one request as the connection does (HttpConnection.Head and .Body): parse the request line and the
/// headers, then take the body by its framing, resuming after each arrival on what is still unconsumed.
/// </summary>
internal static class RequestReader
{
    private const int MaxRequestLine = 8 * 1024;
    private const int MaxTrailerCount = 100;
    private const int MaxTrailerBytes = 32 * 1024;

    /// <summary>What the parser and decoder reported, how the read ended (complete or not, and what was left; or the rejection's reason), and the body.</summary>
    /// <param name="arriveTogether">Whether the pieces are read as one multi-segment buffer, or one arrival each.</param>
    public static string Read(ReadOnlyMemory<byte>[] pieces, bool arriveTogether, BodyFraming framing, long contentLength)
    {
        ReadOnlyMemory<byte>[][] arrivals = arriveTogether ? [pieces] : [.. pieces.Select(piece => new[] { piece })];
        var log = new List<string>();
        var handler = new RecordingHandler(log);
        var pipe = new SimulatedPipe();
        var decoder = new ChunkedBodyDecoder();
        var body = new RequestBodyBuffer { Limit = 1 << 20 };
        var remaining = contentLength;
        bool lineDone = false, headDone = false, bodyDone = framing == BodyFraming.None;
        try
        {
            foreach (var arrival in arrivals)
            {
                foreach (var piece in arrival)
                {
                    pipe.Write(piece);
                }
                var reader = new SequenceReader<byte>(pipe.Buffer);
                lineDone = lineDone || HttpParser.TryParseRequestLine(ref reader, ref handler, MaxRequestLine);
                headDone = headDone || (lineDone && HttpParser.TryParseHeaders(ref reader, ref handler));
                if (headDone && !bodyDone && framing == BodyFraming.Chunked)
                {
                    bodyDone = decoder.TryDecode(ref reader, body, MaxTrailerCount, MaxTrailerBytes);
                }
                else if (headDone && !bodyDone)
                {
                    var take = Math.Min(remaining, reader.Remaining);
                    body.Append(reader.UnreadSequence.Slice(0, take));
                    reader.Advance(take);
                    remaining -= take;
                    bodyDone = remaining == 0;
                }
                pipe.Advance(reader.Consumed);
            }
            log.Add($"{(headDone && bodyDone ? "complete" : "incomplete")}, {pipe.Length} bytes left");
        }
        catch (BadHttpRequestException e)
        {
            log.Add($"rejected: {e.Reason}");
        }
        finally
        {
            log.Add($"body: {Convert.ToHexString(body.Memory.Span)}");
            body.Reset();
        }
        return string.Join('\n', log);
    }
}
