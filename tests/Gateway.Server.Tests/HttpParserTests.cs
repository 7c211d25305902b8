using System.Buffers;
using Gateway.Server.Http;
using Gateway.Server.Primitives;

namespace Gateway.Server.Tests;

public partial class HttpParserTests
{
    private const int MaxRequestLine = 8 * 1024;

    // Longer than LineCopy.StackLimit, so a line cut across segments is copied into a pooled array.
    private static readonly string LongPath = "/v1/" + new string('p', 300);
    private static readonly string LongToken = new('t', 400);

    // Header lines whose copy (CR included, LF not) is exactly the stack buffer, and one byte more.
    private static readonly string StackSizedValue = new('s', LineCopy.StackLimit - "X-A: ".Length - 1);
    private static readonly string PoolSizedValue = StackSizedValue + "p";

    /// <summary>Valid request heads and what the handler must be told, the start line first.</summary>
    private static readonly Dictionary<string, (string Message, string[] Expected)> ValidRequests = new()
    {
        ["origin-form with query"] = (
            "GET /search?q=a%20b&lang=en&next=/x?y HTTP/1.1\r\nHost: example.com\r\n\r\n",
            ["Get Http11 Origin /search ?q=a%20b&lang=en&next=/x?y", "Host: 'example.com'"]),
        ["absolute-form http"] = (
            "GET http://example.com/v1/models?limit=5 HTTP/1.1\r\nHost: example.com\r\n\r\n",
            ["Get Http11 Absolute /v1/models ?limit=5", "Host: 'example.com'"]),
        ["absolute-form https with empty path"] = (
            "GET https://example.com:8443 HTTP/1.1\r\nHost: example.com:8443\r\n\r\n",
            ["Get Http11 Absolute /", "Host: 'example.com:8443'"]),
        ["absolute-form upper-case scheme, IP literal, empty path and query"] = (
            "HEAD HTTP://[::1]:8080?x=1 HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
            ["Head Http11 Absolute / ?x=1", "Host: '[::1]:8080'"]),
        ["asterisk-form"] = (
            "OPTIONS * HTTP/1.1\r\nHost: example.com\r\n\r\n",
            ["Options Http11 Asterisk /", "Host: 'example.com'"]),
        ["authority-form"] = (
            "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
            ["Connect Http11 Authority /", "Host: 'example.com:443'"]),
        ["HTTP/1.0 without headers"] = (
            "GET /health HTTP/1.0\r\n\r\n",
            ["Get Http10 Origin /health"]),
        ["empty lines before the request line"] = (
            "\r\n\r\nPOST /chat HTTP/1.1\r\nContent-Length: 2\r\n\r\n",
            ["Post Http11 Origin /chat", "Content-Length: '2'"]),
        ["OWS around values and empty values"] = (
            "GET / HTTP/1.1\r\nHost:example.com\r\nAccept: \t text/plain; q=0.5 \t \r\nX-Empty:\r\nX-Blank: \t \r\n\r\n",
            ["Get Http11 Origin /", "Host: 'example.com'", "Accept: 'text/plain; q=0.5'", "X-Empty: ''", "X-Blank: ''"]),
        ["inner whitespace and colons kept in values"] = (
            "GET / HTTP/1.1\r\nUser-Agent: curl/8.5.0 (x86_64;\tlinux)\r\nX-Time: 12:30:00\r\n\r\n",
            ["Get Http11 Origin /", "User-Agent: 'curl/8.5.0 (x86_64;\tlinux)'", "X-Time: '12:30:00'"]),
        ["obs-text in a value"] = (
            "GET / HTTP/1.1\r\nX-Name: caf\u00e9 \u0080\u00ff\r\n\r\n",
            ["Get Http11 Origin /", "X-Name: 'caf\u00e9 \u0080\u00ff'"]),
        ["percent-encoded path, as sent"] = (
            "GET /models/gpt%2D4%2fmini/caf%C3%A9 HTTP/1.1\r\n\r\n",
            ["Get Http11 Origin /models/gpt%2D4%2fmini/caf%C3%A9"]),
        ["unknown method token"] = (
            "M-SEARCH /cache HTTP/1.1\r\n\r\n",
            ["Unknown Http11 Origin /cache"]),
        ["lines longer than the stack copy"] = (
            $"DELETE {LongPath}?q=1 HTTP/1.1\r\nAuthorization: Bearer {LongToken}\r\n\r\n",
            [$"Delete Http11 Origin {LongPath} ?q=1", $"Authorization: 'Bearer {LongToken}'"]),
        ["lines at the size of the stack copy"] = (
            $"GET / HTTP/1.1\r\nX-A: {StackSizedValue}\r\nX-A: {PoolSizedValue}\r\n\r\n",
            ["Get Http11 Origin /", $"X-A: '{StackSizedValue}'", $"X-A: '{PoolSizedValue}'"]),
    };

    public static TheoryData<string> ValidRequestNames => new(ValidRequests.Keys);

    [Theory]
    [MemberData(nameof(ValidRequestNames))]
    public void ParsesValidRequestWhateverTheSegmentBoundaries(string name)
    {
        var (message, expected) = ValidRequests[name];
        Assert.All(TestSequence.Cuts(TestSequence.Bytes(message)), cut => Assert.Equal(expected, ParseHead(TestSequence.Create(cut))));
    }

    [Theory]
    [MemberData(nameof(ValidRequestNames))]
    public void ParsesValidRequestWhateverTheArrivalPattern(string name)
    {
        var (message, expected) = ValidRequests[name];
        Assert.All(TestSequence.Cuts(TestSequence.Bytes(message)), cut => Assert.Equal(expected, ParseArrivals(cut)));
    }

    [Theory]
    [MemberData(nameof(ValidRequestNames))]
    public void ParseRequestLineConsumesNothingButEmptyLinesOfAnIncompleteLine(string name)
    {
        var message = TestSequence.Bytes(ValidRequests[name].Message);
        var emptyLines = EmptyLinesLength(message);
        var lineEnd = emptyLines + message.AsSpan(emptyLines).IndexOf((byte)'\n') + 1;

        for (var length = 0; length < lineEnd; length++)
        {
            foreach (var prefix in SingleAndOneBytePerSegment(message.AsMemory(0, length)))
            {
                var log = new List<string>();
                var handler = new RecordingHandler(log);
                var reader = new SequenceReader<byte>(prefix);
                Assert.False(HttpParser.TryParseRequestLine(ref reader, ref handler, MaxRequestLine));
                Assert.Equal(Math.Min(length / 2 * 2, emptyLines), reader.Consumed);
                Assert.Empty(log);
            }
        }
    }

    [Theory]
    [MemberData(nameof(ValidRequestNames))]
    public void ParseHeadersDoesNotConsumeIncompleteHeader(string name)
    {
        var (message, expected) = ValidRequests[name];
        var bytes = TestSequence.Bytes(message);
        var emptyLines = EmptyLinesLength(bytes);
        var headers = bytes.AsMemory(emptyLines + bytes.AsSpan(emptyLines).IndexOf((byte)'\n') + 1);

        for (var length = 0; length < headers.Length; length++)
        {
            // Complete lines are reported and consumed; the line the prefix cuts is left alone.
            var completeLines = headers.Span[..length].Count((byte)'\n');
            var completeLength = headers.Span[..length].LastIndexOf((byte)'\n') + 1;
            foreach (var prefix in SingleAndOneBytePerSegment(headers[..length]))
            {
                var log = new List<string>();
                var handler = new RecordingHandler(log);
                var reader = new SequenceReader<byte>(prefix);
                Assert.False(HttpParser.TryParseHeaders(ref reader, ref handler));
                Assert.Equal(completeLength, reader.Consumed);
                Assert.Equal(expected[1..(1 + completeLines)], log);
            }
        }
    }

    [Fact]
    public void ParseRequestLineLeavesTheHeadersUnread()
    {
        var reader = new SequenceReader<byte>(TestSequence.Create(TestSequence.Bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")));
        var handler = new RecordingHandler([]);
        Assert.True(HttpParser.TryParseRequestLine(ref reader, ref handler, MaxRequestLine));
        Assert.Equal("GET / HTTP/1.1\r\n".Length, reader.Consumed);
    }

    [Fact]
    public void ParseHeadersStopsAfterTheEmptyLineAndLeavesTheBody()
    {
        var body = "\r\n{\"a\":1}\r\n\r\n";
        var bytes = TestSequence.Bytes("Host: a\r\nContent-Length: 13\r\n\r\n" + body);
        Assert.All(TestSequence.Cuts(bytes), cut =>
        {
            var log = new List<string>();
            var handler = new RecordingHandler(log);
            var reader = new SequenceReader<byte>(TestSequence.Create(cut));
            Assert.True(HttpParser.TryParseHeaders(ref reader, ref handler));
            Assert.Equal(bytes.Length - body.Length, reader.Consumed);
            Assert.Equal(["Host: 'a'", "Content-Length: '13'"], log);
        });
    }

    [Theory]
    [InlineData("GET", nameof(RequestMethod.Get))]
    [InlineData("HEAD", nameof(RequestMethod.Head))]
    [InlineData("POST", nameof(RequestMethod.Post))]
    [InlineData("PUT", nameof(RequestMethod.Put))]
    [InlineData("DELETE", nameof(RequestMethod.Delete))]
    [InlineData("PATCH", nameof(RequestMethod.Patch))]
    [InlineData("OPTIONS", nameof(RequestMethod.Options))]
    [InlineData("TRACE", nameof(RequestMethod.Trace))]
    [InlineData("CONNECT", nameof(RequestMethod.Connect))]
    [InlineData("get", nameof(RequestMethod.Unknown))]
    [InlineData("PURGE", nameof(RequestMethod.Unknown))]
    [InlineData("GETS", nameof(RequestMethod.Unknown))]
    [InlineData("!#$%&'*+-.^_`|~09azAZ", nameof(RequestMethod.Unknown))]
    public void MethodTokensParseToTheirMethodOrUnknown(string token, string method) =>
        Assert.Equal(Enum.Parse<RequestMethod>(method), HttpParser.ParseMethod(TestSequence.Bytes(token)));

    /// <summary>Parses a head that must be complete and make up the whole buffer.</summary>
    private static List<string> ParseHead(ReadOnlySequence<byte> buffer, int maxLength = MaxRequestLine)
    {
        var log = new List<string>();
        var handler = new RecordingHandler(log);
        var reader = new SequenceReader<byte>(buffer);
        Assert.True(HttpParser.TryParseRequestLine(ref reader, ref handler, maxLength));
        Assert.True(HttpParser.TryParseHeaders(ref reader, ref handler));
        Assert.True(reader.End);
        return log;
    }

    /// <summary>Parses as the connection does: after each arrival, resume on what is still unconsumed.</summary>
    private static List<string> ParseArrivals(IEnumerable<ReadOnlyMemory<byte>> arrivals)
    {
        var log = new List<string>();
        var handler = new RecordingHandler(log);
        var pipe = new SimulatedPipe();
        var lineDone = false;
        var headDone = false;
        foreach (var arrival in arrivals)
        {
            Assert.False(headDone, "The head was complete before its last byte arrived.");
            pipe.Write(arrival);
            var reader = new SequenceReader<byte>(pipe.Buffer);
            lineDone = lineDone || HttpParser.TryParseRequestLine(ref reader, ref handler, MaxRequestLine);
            headDone = lineDone && HttpParser.TryParseHeaders(ref reader, ref handler);
            pipe.Advance(reader.Consumed);
        }
        Assert.True(headDone);
        Assert.Equal(0, pipe.Length);
        return log;
    }

    private static int EmptyLinesLength(byte[] message)
    {
        var length = 0;
        while (message.AsSpan(length).StartsWith("\r\n"u8))
        {
            length += 2;
        }
        return length;
    }

    private static ReadOnlySequence<byte>[] SingleAndOneBytePerSegment(ReadOnlyMemory<byte> bytes) =>
    [
        TestSequence.Create(bytes),
        TestSequence.Create(Enumerable.Range(0, bytes.Length).Select(i => bytes.Slice(i, 1))),
    ];
}
