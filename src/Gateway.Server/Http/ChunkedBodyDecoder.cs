using System.Buffers;
using Gateway.Server.Primitives;

namespace Gateway.Server.Http;

/// <summary>Decodes the chunked transfer coding of RFC 9112 §7.1 incrementally into a body buffer.</summary>
/// <remarks>
/// chunked-body = *chunk last-chunk trailer-section CRLF, chunk = chunk-size [ chunk-ext ] CRLF
/// chunk-data CRLF. Chunk data is consumed as it arrives; a size line or a trailer line is consumed
/// only once it is complete. Extensions are checked for stray control characters and ignored
/// (§7.1.1); trailer fields are parsed and discarded (§7.1.2), held to the header section's limits
/// on field count and bytes.
/// </remarks>
internal struct ChunkedBodyDecoder
{
    /// <summary>A size line longer than this (extensions included) is refused rather than buffered.</summary>
    public const int MaxSizeLineLength = 4096;

    private enum State : byte
    {
        SizeLine,
        Data,
        DataEnd,
        Trailers,
        Done,
    }

    private State _state;
    private long _chunkRemaining;
    private int _trailerCount;
    private long _trailerBytes;

    public void Reset() => this = default;

    /// <summary>Decodes what <paramref name="reader"/> holds; true once the whole body, trailers included, is consumed.</summary>
    public bool TryDecode<TBody>(ref SequenceReader<byte> reader, TBody body, int maxTrailerCount, int maxTrailerBytes)
        where TBody : IBodySink
    {
        while (true)
        {
            switch (_state)
            {
                case State.SizeLine:
                    if (!TryReadSizeLine(ref reader))
                    {
                        return false;
                    }
                    break;

                case State.Data:
                    if (reader.End)
                    {
                        return false;
                    }
                    var take = Math.Min(_chunkRemaining, reader.Remaining);
                    body.Append(reader.UnreadSequence.Slice(0, take));
                    reader.Advance(take);
                    _chunkRemaining -= take;
                    if (_chunkRemaining == 0)
                    {
                        _state = State.DataEnd;
                    }
                    break;

                case State.DataEnd:
                    if (reader.Remaining < 2)
                    {
                        return false;
                    }
                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        RequestRejection.Throw(RequestRejectionReason.InvalidChunk);
                    }
                    _state = State.SizeLine;
                    break;

                case State.Trailers:
                    if (!TryReadTrailers(ref reader, maxTrailerCount, maxTrailerBytes))
                    {
                        return false;
                    }
                    _state = State.Done;
                    break;

                case State.Done:
                    return true;
            }
        }
    }

    /// <summary>Parses trailer lines from no more bytes than the limit leaves, as the connection does for headers.</summary>
    private bool TryReadTrailers(ref SequenceReader<byte> reader, int maxTrailerCount, int maxTrailerBytes)
    {
        var allowance = maxTrailerBytes - _trailerBytes;
        var cut = reader.Remaining > allowance;
        var limited = cut ? reader.UnreadSequence.Slice(0, allowance) : reader.UnreadSequence;
        var trailerReader = new SequenceReader<byte>(limited);
        var trailers = new TrailerCounter(maxTrailerCount, _trailerCount);
        var complete = HttpParser.TryParseHeaders(ref trailerReader, ref trailers);
        _trailerCount = trailers.Count;
        _trailerBytes += trailerReader.Consumed;
        reader.Advance(trailerReader.Consumed);
        if (!complete && cut)
        {
            RequestRejection.Throw(RequestRejectionReason.HeadersTooLarge);
        }
        return complete;
    }

    private bool TryReadSizeLine(ref SequenceReader<byte> reader)
    {
        if (!reader.TryReadTo(out ReadOnlySequence<byte> sequence, (byte)'\n', advancePastDelimiter: true))
        {
            if (reader.Remaining > MaxSizeLineLength)
            {
                RequestRejection.Throw(RequestRejectionReason.InvalidChunk);
            }
            return false;
        }
        if (sequence.Length > MaxSizeLineLength)
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidChunk);
        }

        using var copy = new LineCopy(sequence, stackalloc byte[LineCopy.StackLimit]);
        var size = ParseSizeLine(copy.Span);
        if (size == 0)
        {
            _state = State.Trailers;
        }
        else
        {
            _chunkRemaining = size;
            _state = State.Data;
        }
        return true;
    }

    /// <summary>chunk-size [ chunk-ext ] CR, where chunk-size = 1*HEXDIG.</summary>
    private static long ParseSizeLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[^1] != (byte)'\r')
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidChunk);
        }
        line = line[..^1];

        long size = 0;
        var digits = 0;
        while (digits < line.Length && HexDigits.Is(line[digits]))
        {
            if (size > long.MaxValue >> 4)
            {
                RequestRejection.Throw(RequestRejectionReason.InvalidChunk); // Would overflow a long.
            }
            size = (size << 4) + HexDigits.ValueOf(line[digits]);
            digits++;
        }
        if (digits == 0)
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidChunk);
        }

        // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ): anything after the size must
        // start (after whitespace) with ";" and hold no control characters; whitespace alone is not an extension.
        var rest = line[digits..];
        var extension = rest.TrimStart(" \t"u8);
        if (!rest.IsEmpty && (extension.IsEmpty || extension[0] != (byte)';' || extension.ContainsAny(HttpCharacters.InvalidFieldValue)))
        {
            RequestRejection.Throw(RequestRejectionReason.InvalidChunk);
        }
        return size;
    }

    /// <summary>Counts trailer fields against the header limit and drops them.</summary>
    private struct TrailerCounter(int limit, int count) : IHttpHeadersHandler
    {
        public int Count { get; private set; } = count;

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
            if (++Count > limit)
            {
                RequestRejection.Throw(RequestRejectionReason.TooManyHeaders);
            }
        }
    }
}
