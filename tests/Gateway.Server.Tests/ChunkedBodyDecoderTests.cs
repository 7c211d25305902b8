using System.Buffers;
using Gateway.Server.Http;

namespace Gateway.Server.Tests;

public class ChunkedBodyDecoderTests
{
    private const long DefaultLimit = 1 << 20;
    private const int DefaultTrailerLimit = 10;
    private const int DefaultTrailerBytes = 256;

    private static readonly string LongExtension = ";name=" + new string('x', 300);

    /// <summary>Valid chunked bodies and their decoded content.</summary>
    private static readonly Dictionary<string, (string Encoded, string Decoded)> ValidBodies = new()
    {
        ["two chunks"] = ("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
        ["chunk extensions"] = (
            "5;a=b\r\nhello\r\n6 ; name=\"quoted; value\"\t\r\n world\r\n0;last\r\n\r\n", "hello world"),
        ["upper- and lower-case hex sizes with leading zeros"] = (
            "A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0001F\r\n" + new string('z', 31) + "\r\n0000\r\n\r\n",
            "0123456789abcdefghijk" + new string('z', 31)),
        ["trailers"] = ("3\r\nabc\r\n0\r\nExpires: never\r\nX-Checksum: 1234\r\n\r\n", "abc"),
        ["empty body"] = ("0\r\n\r\n", ""),
        ["data holding CRLF and size-like bytes"] = ("7\r\n\r\n0\r\n\r\n\r\n0\r\n\r\n", "\r\n0\r\n\r\n"),
        ["binary data"] = ("4\r\n\u0000\u007f\u0080\u00ff\r\n0\r\n\r\n", "\u0000\u007f\u0080\u00ff"),
        ["size line longer than the stack copy"] = ($"1{LongExtension}\r\nZ\r\n0\r\n\r\n", "Z"),
    };

    public static TheoryData<string> ValidBodyNames => new(ValidBodies.Keys);

    [Theory]
    [MemberData(nameof(ValidBodyNames))]
    public void DecodesValidBodyWhateverTheArrivalPattern(string name)
    {
        var (encoded, decoded) = ValidBodies[name];
        Assert.All(TestSequence.Cuts(TestSequence.Bytes(encoded)), cut => Assert.Equal(decoded, DecodeArrivals(cut)));
    }

    [Fact]
    public void DecodeStopsAtTheEndOfTheBodyAndLeavesTheNextRequest()
    {
        var next = "GET / HTTP/1.1\r\n\r\n";
        var bytes = TestSequence.Bytes("5\r\nhello\r\n0\r\nX: y\r\n\r\n" + next);
        Assert.All(TestSequence.Cuts(bytes), cut =>
        {
            var decoder = new ChunkedBodyDecoder();
            var body = new RequestBodyBuffer { Limit = DefaultLimit };
            var reader = new SequenceReader<byte>(TestSequence.Create(cut));
            Assert.True(decoder.TryDecode(ref reader, body, DefaultTrailerLimit, DefaultTrailerBytes));
            Assert.Equal(next, TestSequence.Text(reader.UnreadSequence.ToArray()));
            Assert.Equal("hello", TestSequence.Text(body.Memory.Span));
        });
    }

    [Fact]
    public void DecodeConsumesChunkDataAsItArrives()
    {
        var decoder = new ChunkedBodyDecoder();
        var body = new RequestBodyBuffer { Limit = DefaultLimit };
        var reader = new SequenceReader<byte>(TestSequence.Create(TestSequence.Bytes("A\r\n01234")));
        Assert.False(decoder.TryDecode(ref reader, body, DefaultTrailerLimit, DefaultTrailerBytes));
        Assert.True(reader.End);
        Assert.Equal("01234", TestSequence.Text(body.Memory.Span));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("A", 0)]
    [InlineData("A;ext=1\r", 0)]
    [InlineData("5\r\nhello\r", 8)]
    [InlineData("0\r\nX: y", 3)]
    [InlineData("0\r\nX: y\r\n\r", 9)]
    public void DecodeLeavesAnIncompleteLineUnconsumed(string prefix, int consumed)
    {
        var decoder = new ChunkedBodyDecoder();
        var body = new RequestBodyBuffer { Limit = DefaultLimit };
        var reader = new SequenceReader<byte>(TestSequence.Create(TestSequence.Bytes(prefix)));
        Assert.False(decoder.TryDecode(ref reader, body, DefaultTrailerLimit, DefaultTrailerBytes));
        Assert.Equal(consumed, reader.Consumed);
    }

    [Fact]
    public void DecodeAfterCompletionReturnsTrueWithoutConsuming()
    {
        var decoder = new ChunkedBodyDecoder();
        var body = new RequestBodyBuffer { Limit = DefaultLimit };
        var done = new SequenceReader<byte>(TestSequence.Create(TestSequence.Bytes("0\r\n\r\n")));
        Assert.True(decoder.TryDecode(ref done, body, DefaultTrailerLimit, DefaultTrailerBytes));

        var more = new SequenceReader<byte>(TestSequence.Create(TestSequence.Bytes("5\r\nhello\r\n")));
        Assert.True(decoder.TryDecode(ref more, body, DefaultTrailerLimit, DefaultTrailerBytes));
        Assert.Equal(0, more.Consumed);
    }

    [Fact]
    public void ResetStartsANewBody()
    {
        var decoder = new ChunkedBodyDecoder();
        var body = new RequestBodyBuffer { Limit = DefaultLimit };
        var first = new SequenceReader<byte>(TestSequence.Create(TestSequence.Bytes("0\r\nX: 1\r\n\r\n")));
        Assert.True(decoder.TryDecode(ref first, body, 1, DefaultTrailerBytes));

        decoder.Reset();
        var second = new SequenceReader<byte>(TestSequence.Create(TestSequence.Bytes("2\r\nok\r\n0\r\nY: 2\r\n\r\n")));
        Assert.True(decoder.TryDecode(ref second, body, 1, DefaultTrailerBytes));
        Assert.Equal("ok", TestSequence.Text(body.Memory.Span));
    }

    [Fact]
    public void LargestChunkSizeThatFitsInALongIsAccepted()
    {
        var decoder = new ChunkedBodyDecoder();
        var body = new RequestBodyBuffer { Limit = DefaultLimit };
        var reader = new SequenceReader<byte>(TestSequence.Create(TestSequence.Bytes("7fffffffffffffff\r\nab")));
        Assert.False(decoder.TryDecode(ref reader, body, DefaultTrailerLimit, DefaultTrailerBytes));
        Assert.Equal("ab", TestSequence.Text(body.Memory.Span));
    }

    [Theory]
    [InlineData("\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData(";a=b\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("g\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("-5\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("0x5\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("10000000000000000\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("8000000000000000\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("5\n\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("5\r\nhelloX\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("5\r\nhello\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("5\r\nhello\r0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("5x\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("5 garbage\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("5 \r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("5\t\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("5;a=\u0001\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("5;a=\u007F\r\nhello\r\n0\r\n\r\n", nameof(RequestRejectionReason.InvalidChunk), 400)]
    [InlineData("0\r\nBad Trailer\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderLine), 400)]
    [InlineData("0\r\nX: a\u0001\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderValue), 400)]
    [InlineData("0\r\n\n", nameof(RequestRejectionReason.BareLineFeed), 400)]
    public void RejectsInvalidChunkedBody(string encoded, string reason, int status) =>
        AssertRejected(encoded, Enum.Parse<RequestRejectionReason>(reason), status);

    [Fact]
    public void SizeLineOfMaxLengthIsAccepted()
    {
        // The limit counts the CR but not the LF.
        var encoded = TestSequence.Bytes(SizeLineOfLength(ChunkedBodyDecoder.MaxSizeLineLength - 1) + "\r\nZ\r\n0\r\n\r\n");
        Assert.All(TestSequence.CutsNearLineBreaks(encoded, 61), cut => Assert.Equal("Z", DecodeArrivals(cut)));
    }

    [Theory]
    [InlineData("\r\nZ\r\n0\r\n\r\n")]
    [InlineData("\r")]
    [InlineData("x")]
    public void SizeLineLongerThanMaxLengthIsRejectedWhetherOrNotItsLineFeedHasArrived(string rest)
    {
        var encoded = TestSequence.Bytes(SizeLineOfLength(ChunkedBodyDecoder.MaxSizeLineLength) + rest);
        Assert.All(TestSequence.CutsNearLineBreaks(encoded, 61), cut => AssertRejected(cut, RequestRejectionReason.InvalidChunk, 400));
    }

    [Fact]
    public void BodyOfExactlyTheLimitIsAccepted()
    {
        var encoded = TestSequence.Bytes("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        Assert.All(TestSequence.Cuts(encoded), cut => Assert.Equal("hello world", DecodeArrivals(cut, limit: 11)));
    }

    [Fact]
    public void BodyOverTheLimitIsRejectedWith413() =>
        AssertRejected("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", RequestRejectionReason.BodyTooLarge, 413, limit: 10);

    [Fact]
    public void TrailersUpToTheLimitAreAccepted()
    {
        var encoded = TestSequence.Bytes("1\r\na\r\n0\r\nA: 1\r\nB: 2\r\n\r\n");
        Assert.All(TestSequence.Cuts(encoded), cut => Assert.Equal("a", DecodeArrivals(cut, trailerLimit: 2)));
    }

    [Fact]
    public void MoreTrailersThanTheLimitAreRejectedWith431() =>
        AssertRejected("1\r\na\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", RequestRejectionReason.TooManyHeaders, 431, trailerLimit: 2);

    [Fact]
    public void TrailersFillingExactlyTheByteLimitAreAccepted()
    {
        // "A: 12\r\n" (7 bytes) plus the closing CRLF is 9 bytes of trailer section.
        var encoded = TestSequence.Bytes("1\r\na\r\n0\r\nA: 12\r\n\r\n");
        Assert.All(TestSequence.Cuts(encoded), cut => Assert.Equal("a", DecodeArrivals(cut, trailerBytes: 9)));
    }

    [Fact]
    public void TrailersLargerThanTheByteLimitAreRejectedWith431() =>
        AssertRejected("1\r\na\r\n0\r\nA: 123\r\n\r\n", RequestRejectionReason.HeadersTooLarge, 431, trailerBytes: 9);

    [Fact]
    public void UnterminatedTrailerLineIsRejectedOnceItPassesTheByteLimit() =>
        AssertRejected("1\r\na\r\n0\r\nX: " + new string('a', 300), RequestRejectionReason.HeadersTooLarge, 431);

    /// <summary>A size line of one hex digit and an extension, <paramref name="length"/> bytes before its CR.</summary>
    private static string SizeLineOfLength(int length) => "1;" + new string('x', length - 2);

    /// <summary>Decodes as the connection does: after each arrival, resume on what is still unconsumed.</summary>
    private static string DecodeArrivals(
        IEnumerable<ReadOnlyMemory<byte>> arrivals, long limit = DefaultLimit, int trailerLimit = DefaultTrailerLimit, int trailerBytes = DefaultTrailerBytes)
    {
        var decoder = new ChunkedBodyDecoder();
        var body = new RequestBodyBuffer { Limit = limit };
        var pipe = new SimulatedPipe();
        var complete = false;
        foreach (var arrival in arrivals)
        {
            Assert.False(complete, "The body was complete before its last byte arrived.");
            pipe.Write(arrival);
            var reader = new SequenceReader<byte>(pipe.Buffer);
            complete = decoder.TryDecode(ref reader, body, trailerLimit, trailerBytes);
            pipe.Advance(reader.Consumed);
        }
        Assert.True(complete);
        Assert.Equal(0, pipe.Length);
        var decoded = TestSequence.Text(body.Memory.Span);
        body.Reset();
        return decoded;
    }

    private static void AssertRejected(
        string encoded, RequestRejectionReason reason, int status, long limit = DefaultLimit, int trailerLimit = DefaultTrailerLimit, int trailerBytes = DefaultTrailerBytes) =>
        Assert.All(TestSequence.Cuts(TestSequence.Bytes(encoded)), cut => AssertRejected(cut, reason, status, limit, trailerLimit, trailerBytes));

    private static void AssertRejected(
        ReadOnlyMemory<byte>[] arrivals, RequestRejectionReason reason, int status, long limit = DefaultLimit, int trailerLimit = DefaultTrailerLimit, int trailerBytes = DefaultTrailerBytes)
    {
        var exception = Assert.Throws<BadHttpRequestException>(() => DecodeArrivals(arrivals, limit, trailerLimit, trailerBytes));
        Assert.Equal(reason, exception.Reason);
        Assert.Equal(status, RequestRejection.StatusCode(exception.Reason));
    }
}
