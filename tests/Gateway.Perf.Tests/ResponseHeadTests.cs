using System.Text;
using Gateway.LoadGen;

namespace Gateway.Perf.Tests;

public sealed class ResponseHeadTests
{
    [Fact]
    public void EveryPrefixOfAHeadIsIncomplete()
    {
        var head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray();
        for (var i = 0; i < head.Length; i++)
        {
            Assert.Equal(0, ResponseHead.TryParse(head.AsSpan(0, i), out _));
        }

        Assert.Equal(1, ResponseHead.TryParse(head, out var parsed));
        Assert.Equal(new ResponseHead(200, -1, Chunked: true, Close: false, head.Length), parsed);
    }

    [Theory]
    [InlineData("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 5\r\nConnection: close\r\n\r\n", 503, 5, true)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 200, 0, true)]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n", 204, -1, false)]
    public void ReadsStatusLengthAndConnection(string text, int status, long length, bool close)
    {
        Assert.Equal(1, ResponseHead.TryParse(Encoding.ASCII.GetBytes(text), out var head));
        Assert.Equal((status, length, close), (head.Status, head.ContentLength, head.Close));
    }

    [Theory]
    [InlineData("HTTP/2 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 20x OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    public void RejectsMalformedHeads(string text) => Assert.Equal(-1, ResponseHead.TryParse(Encoding.ASCII.GetBytes(text), out _));
}
