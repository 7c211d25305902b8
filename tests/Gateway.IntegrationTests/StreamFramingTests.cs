using System.Text;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>
/// Every streaming route frames its body as its head says, whatever the client asked of the connection (issue 11,
/// item 1): chunked to HTTP/1.1, keep-alive or <c>Connection: close</c>; ended by the close to HTTP/1.0 (RFC 9112 §6.3, §7).
/// </summary>
public sealed class StreamFramingTests
{
    private const string ChatBody = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";
    private const string CompletionBody = """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    public static TheoryData<string, string, string> Routes => new()
    {
        { "/chat", ChatBody, "event: harness_end\ndata: " },
        { "/v1/chat/completions", CompletionBody, "data: [DONE]\n\n" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task KeepAliveStreamIsChunkedAndTheConnectionCarriesTheNextRequest(string path, string body, string end)
    {
        await using var stream = await StreamAsync(path, body, "HTTP/1.1", "");
        var connection = stream.Connection;

        Assert.Equal("chunked", stream.Head.Header("Transfer-Encoding"));
        Assert.Null(stream.Head.Header("Connection"));
        Assert.Contains(end, await ReadChunkedBodyAsync(connection), StringComparison.Ordinal);

        await connection.SendAsync("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
        Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ConnectionCloseStreamIsChunkedToItsLastChunkThenClosed(string path, string body, string end)
    {
        await using var stream = await StreamAsync(path, body, "HTTP/1.1", "Connection: close\r\n");

        Assert.Equal("chunked", stream.Head.Header("Transfer-Encoding"));
        Assert.Equal("close", stream.Head.Header("Connection"));
        Assert.Contains(end, await ReadChunkedBodyAsync(stream.Connection), StringComparison.Ordinal);
        Assert.True(await stream.Connection.IsClosedByServerAsync());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Http10StreamIsUnframedAndEndsWithTheConnection(string path, string body, string end)
    {
        await using var stream = await StreamAsync(path, body, "HTTP/1.0", "");

        Assert.Null(stream.Head.Header("Transfer-Encoding"));
        Assert.Null(stream.Head.Header("Content-Length"));
        Assert.Equal("close", stream.Head.Header("Connection"));
        var received = await stream.Connection.ReadToEndAsync();
        Assert.Contains(end, received, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", received, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Clients => new()
    {
        { "python3", "/chat", ChatBody },
        { "python3", "/v1/chat/completions", CompletionBody },
        { "curl", "/chat", ChatBody },
        { "curl", "/v1/chat/completions", CompletionBody },
    };

    /// <summary>Python's urllib always sends <c>Connection: close</c> and reads the stream line by line; curl is asked to.</summary>
    [Theory]
    [MemberData(nameof(Clients))]
    public async Task StockClientReadsTheWholeStreamLineByLine(string client, string path, string body)
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("Hel", "lo"));
        var url = $"http://{host.Host.EndPoint}{path}";
        var (exitCode, output) = client == "python3"
            ? await ClientProcess.RunAsync("python3", "-c", PythonReader, url, body)
            : await ClientProcess.RunAsync("curl", "-sSN", "--max-time", "10", "-H", "Connection: close", "-H", "Content-Type: application/json", "-d", body, url);

        Assert.True(exitCode == 0, $"{client} exited {exitCode}: {output}");
        var lines = output.Split('\n');
        Assert.Contains(path == "/chat" ? "event: harness_end" : "data: [DONE]", lines);
    }

    /// <summary>Prints each line of the response body as it arrives; any framing error is an exception and a non-zero exit.</summary>
    private const string PythonReader = """
        import sys, urllib.request
        request = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            for line in response:
                print(line.decode().rstrip("\n"), flush=True)
        """;

    /// <summary>A gateway whose model answers "Hello", and one streaming request sent to it, read up to its body.</summary>
    private static async Task<Streamed> StreamAsync(string path, string body, string version, string headers)
    {
        var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("Hel", "lo"));
        var connection = await host.Host.ConnectAsync();
        await connection.SendAsync(
            $"POST {path} {version}\r\nHost: test\r\nContent-Type: application/json\r\n{headers}Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");
        return new Streamed(host, connection, await connection.ReadResponseAsync(headRequest: true));
    }

    private static async Task<string> ReadChunkedBodyAsync(RawConnection connection)
    {
        var body = new List<byte>();
        while (await connection.ReadChunkAsync() is { Length: > 0 } chunk)
        {
            body.AddRange(chunk);
        }
        return Encoding.UTF8.GetString(body.ToArray());
    }

    private sealed record Streamed(ChatTestHost Host, RawConnection Connection, RawResponse Head) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Connection.DisposeAsync();
            await Host.DisposeAsync();
        }
    }
}
