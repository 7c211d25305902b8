using System.Buffers;
using CsCheck;
using Gateway.Server.Http;

namespace Gateway.Server.Tests.Properties;

/// <summary>Properties of <see cref="ChunkedBodyDecoder"/> over generated chunked bodies (issue 11).</summary>
public class ChunkedBodyDecoderProperties
{
    private static readonly byte[] NextRequest = TestSequence.Bytes("GET / HTTP/1.1\r\n\r\n");

    /// <summary>Every chunked body decodes to its source bytes, whatever its chunks, extensions, trailers and segments, and not a byte further.</summary>
    [Fact]
    public void EveryChunkedBodyDecodesToItsSourceWhateverItsSegments() =>
        ChunkedGen.Body
            .SelectMany(body => Segments.CutPoints(body.Encoded.Length + NextRequest.Length), (body, points) => (body, points))
            .Sample(
                (body, points) =>
                {
                    var pieces = Segments.Cut([.. body.Encoded, .. NextRequest], points);
                    AssertDecodes(body.Decoded, [pieces]);
                    AssertDecodes(body.Decoded, pieces.Select(piece => new[] { piece }));
                },
                iter: 30_000);

    /// <summary>Decodes as the connection does: after each arrival (a group of segments), resume on what is still unconsumed.</summary>
    private static void AssertDecodes(byte[] expected, IEnumerable<ReadOnlyMemory<byte>[]> arrivals)
    {
        var decoder = new ChunkedBodyDecoder();
        var body = new RequestBodyBuffer { Limit = 1 << 20 };
        var pipe = new SimulatedPipe();
        var done = false;
        foreach (var arrival in arrivals)
        {
            foreach (var piece in arrival)
            {
                pipe.Write(piece);
            }
            var reader = new SequenceReader<byte>(pipe.Buffer);
            done = done || decoder.TryDecode(ref reader, body, maxTrailerCount: 100, maxTrailerBytes: 32 * 1024);
            pipe.Advance(reader.Consumed);
        }
        Assert.True(done);
        Assert.Equal(expected, body.Memory.ToArray());
        Assert.Equal(NextRequest, pipe.Buffer.ToArray());
        body.Reset();
    }
}
