using System.Buffers;
using Gateway.Server.Http;

namespace Gateway.Server.Tests;

public partial class HttpParserTests
{
    private const int ShortLimit = 32;

    [Theory]
    [InlineData("GET / HTTP/1.1\n", nameof(RequestRejectionReason.BareLineFeed), 400)]
    [InlineData("\n", nameof(RequestRejectionReason.BareLineFeed), 400)]
    [InlineData("\r\n\nGET / HTTP/1.1\r\n", nameof(RequestRejectionReason.BareLineFeed), 400)]
    [InlineData("GET\r\n", nameof(RequestRejectionReason.InvalidRequestLine), 400)]
    [InlineData("GET /\r\n", nameof(RequestRejectionReason.InvalidRequestLine), 400)]
    [InlineData(" / HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestLine), 400)]
    [InlineData("GET  / HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestLine), 400)]
    [InlineData("G(T / HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidMethod), 400)]
    [InlineData("GE\u0001T / HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidMethod), 400)]
    [InlineData("G\u00c9T / HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidMethod), 400)]
    [InlineData("GET\t/ HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidMethod), 400)]
    [InlineData("GET /a\"b HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET /a<b> HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET /a#fragment HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET /caf\u00e9 HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET /a?q={} HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET /a%2 HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET /a% HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET /a%G1 HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET /a?x=%zz HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET * HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("POST * HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET ftp://x/ HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET example.com:80 HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET http:///path HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET http://user@host/ HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET http://ho\"st/ HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET http://host/a\"b HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET http://host?q=\" HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("CONNECT exa\"mple:443 HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidRequestTarget), 400)]
    [InlineData("GET / HTTP/2.0\r\n", nameof(RequestRejectionReason.UnsupportedVersion), 505)]
    [InlineData("GET / HTTP/1.2\r\n", nameof(RequestRejectionReason.UnsupportedVersion), 505)]
    [InlineData("GET / HTTP/0.9\r\n", nameof(RequestRejectionReason.UnsupportedVersion), 505)]
    [InlineData("GET / HTTX/1.1\r\n", nameof(RequestRejectionReason.InvalidVersion), 400)]
    [InlineData("GET / http/1.1\r\n", nameof(RequestRejectionReason.InvalidVersion), 400)]
    [InlineData("GET / HTTP/11\r\n", nameof(RequestRejectionReason.InvalidVersion), 400)]
    [InlineData("GET / HTTP/1.10\r\n", nameof(RequestRejectionReason.InvalidVersion), 400)]
    [InlineData("GET / HTTP/1.a\r\n", nameof(RequestRejectionReason.InvalidVersion), 400)]
    [InlineData("GET / HTTP/1.1 \r\n", nameof(RequestRejectionReason.InvalidVersion), 400)]
    [InlineData("GET / a HTTP/1.1\r\n", nameof(RequestRejectionReason.InvalidVersion), 400)]
    [InlineData("GET / HTTP/1.1\r\r\n", nameof(RequestRejectionReason.InvalidVersion), 400)]
    public void RejectsInvalidRequestLine(string requestLine, string reason, int status) =>
        AssertRejected(requestLine + "Host: a\r\n\r\n", Enum.Parse<RequestRejectionReason>(reason), status);

    [Theory]
    [InlineData("Host: a\n\r\n", nameof(RequestRejectionReason.BareLineFeed), 400)]
    [InlineData("Host: a\r\n\n", nameof(RequestRejectionReason.BareLineFeed), 400)]
    [InlineData("\n", nameof(RequestRejectionReason.BareLineFeed), 400)]
    [InlineData(" Host: a\r\n\r\n", nameof(RequestRejectionReason.ObsoleteLineFolding), 400)]
    [InlineData("X: a\r\n\tb\r\n\r\n", nameof(RequestRejectionReason.ObsoleteLineFolding), 400)]
    [InlineData("X: a\r\n  b\r\n\r\n", nameof(RequestRejectionReason.ObsoleteLineFolding), 400)]
    [InlineData("Host : a\r\n\r\n", nameof(RequestRejectionReason.WhitespaceBeforeColon), 400)]
    [InlineData("Host\t: a\r\n\r\n", nameof(RequestRejectionReason.WhitespaceBeforeColon), 400)]
    [InlineData("X: a\u0001b\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderValue), 400)]
    [InlineData("X: \u007F\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderValue), 400)]
    [InlineData("X: a\u0000\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderValue), 400)]
    [InlineData("X: a\u001Fb\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderValue), 400)]
    [InlineData("X: a\rb\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderValue), 400)]
    [InlineData("NoColon\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderLine), 400)]
    [InlineData(": value\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderLine), 400)]
    [InlineData("Bad(Name): v\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderLine), 400)]
    [InlineData("Na me: v\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderLine), 400)]
    [InlineData("N\u00e4me: v\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderLine), 400)]
    [InlineData("\rX: v\r\n\r\n", nameof(RequestRejectionReason.InvalidHeaderLine), 400)]
    [InlineData("Host: a\r\n\rX\r\n", nameof(RequestRejectionReason.InvalidHeaderLine), 400)]
    public void RejectsInvalidHeaderLine(string headers, string reason, int status) =>
        AssertRejected("GET / HTTP/1.1\r\n" + headers, Enum.Parse<RequestRejectionReason>(reason), status);

    [Fact]
    public void RequestLineOfExactlyMaxLengthIsAccepted()
    {
        var message = TestSequence.Bytes(RequestLineOfLength(ShortLimit) + "\r\n\r\n");
        Assert.All(TestSequence.Cuts(message), cut => ParseHead(TestSequence.Create(cut), ShortLimit));
    }

    [Fact]
    public void EmptyLinesBeforeTheRequestLineDoNotCountTowardMaxLength()
    {
        var message = TestSequence.Bytes("\r\n\r\n" + RequestLineOfLength(ShortLimit) + "\r\n\r\n");
        Assert.All(TestSequence.Cuts(message), cut => ParseHead(TestSequence.Create(cut), ShortLimit));
    }

    [Fact]
    public void RequestLineLongerThanMaxLengthIsRejectedWith414() =>
        AssertRejected(RequestLineOfLength(ShortLimit + 1) + "\r\n\r\n", RequestRejectionReason.RequestLineTooLong, 414, ShortLimit);

    [Fact]
    public void IncompleteRequestLineThatMayStillFitWaitsForMoreData()
    {
        // MaxLength bytes and a CR: the LF that would complete a valid line may be next.
        var message = TestSequence.Bytes(RequestLineOfLength(ShortLimit) + "\r");
        Assert.All(TestSequence.Cuts(message), cut =>
        {
            var handler = new RecordingHandler([]);
            var reader = new SequenceReader<byte>(TestSequence.Create(cut));
            Assert.False(HttpParser.TryParseRequestLine(ref reader, ref handler, ShortLimit));
            Assert.Equal(0, reader.Consumed);
        });
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("a")]
    public void IncompleteRequestLineThatCannotFitIsRejectedBeforeItsLineFeedArrives(string last) =>
        AssertRejected(RequestLineOfLength(ShortLimit + 1) + last, RequestRejectionReason.RequestLineTooLong, 414, ShortLimit);

    [Fact]
    public void RequestLineLimitOfIntMaxValueMeansNoPracticalLimit()
    {
        var message = TestSequence.Bytes("GET / HTTP/1.1\r\n\r\n");
        Assert.All(TestSequence.Cuts(message), cut => ParseHead(TestSequence.Create(cut), int.MaxValue));
    }

    /// <summary>"GET /aaa… HTTP/1.1" of exactly <paramref name="length"/> bytes, CRLF excluded.</summary>
    private static string RequestLineOfLength(int length) => "GET /" + new string('a', length - 14) + " HTTP/1.1";

    /// <summary>Asserts every cut of <paramref name="message"/> is refused for <paramref name="reason"/> with <paramref name="status"/>.</summary>
    private static void AssertRejected(string message, RequestRejectionReason reason, int status, int maxLength = MaxRequestLine) =>
        Assert.All(TestSequence.Cuts(TestSequence.Bytes(message)), cut =>
        {
            var buffer = TestSequence.Create(cut);
            var exception = Assert.Throws<BadHttpRequestException>(() => Parse(buffer, maxLength));
            Assert.Equal(reason, exception.Reason);
            Assert.Equal(status, RequestRejection.StatusCode(exception.Reason));
        });

    /// <summary>Parses as far as the input allows; the reader is built here because a ref struct cannot be captured.</summary>
    private static void Parse(ReadOnlySequence<byte> buffer, int maxLength)
    {
        var handler = new RecordingHandler([]);
        var reader = new SequenceReader<byte>(buffer);
        if (HttpParser.TryParseRequestLine(ref reader, ref handler, maxLength))
        {
            HttpParser.TryParseHeaders(ref reader, ref handler);
        }
    }
}
