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
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("Hel", "lo"));
        await using var connection = await host.Host.ConnectAsync();
        await connection.SendAsync(Request(path, body, "HTTP/1.1", ""));

        var head = await connection.ReadResponseAsync(headRequest: true);
        Assert.Equal("chunked", head.Header("Transfer-Encoding"));
        Assert.Null(head.Header("Connection"));
        Assert.Contains(end, await ReadChunkedBodyAsync(connection), StringComparison.Ordinal);

        await connection.SendAsync("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
        Assert.Equal(200, (await connection.ReadResponseAsync()).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task ConnectionCloseStreamIsChunkedToItsLastChunkThenClosed(string path, string body, string end)
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("Hel", "lo"));
        await using var connection = await host.Host.ConnectAsync();
        await connection.SendAsync(Request(path, body, "HTTP/1.1", "Connection: close\r\n"));

        var head = await connection.ReadResponseAsync(headRequest: true);
        Assert.Equal("chunked", head.Header("Transfer-Encoding"));
        Assert.Equal("close", head.Header("Connection"));
        Assert.Contains(end, await ReadChunkedBodyAsync(connection), StringComparison.Ordinal);
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Http10StreamIsUnframedAndEndsWithTheConnection(string path, string body, string end)
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText("Hel", "lo"));
        await using var connection = await host.Host.ConnectAsync();
        await connection.SendAsync(Request(path, body, "HTTP/1.0", ""));

        var head = await connection.ReadResponseAsync(headRequest: true);
        Assert.Null(head.Header("Transfer-Encoding"));
        Assert.Null(head.Header("Content-Length"));
        Assert.Equal("close", head.Header("Connection"));
        var received = await connection.ReadToEndAsync();
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

    private static string Request(string path, string body, string version, string headers) =>
        $"POST {path} {version}\r\nHost: test\r\nContent-Type: application/json\r\n{headers}Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    private static async Task<string> ReadChunkedBodyAsync(RawConnection connection)
    {
        var body = new List<byte>();
        while (await connection.ReadChunkAsync() is { Length: > 0 } chunk)
        {
            body.AddRange(chunk);
        }
        return Encoding.UTF8.GetString(body.ToArray());
    }
}
