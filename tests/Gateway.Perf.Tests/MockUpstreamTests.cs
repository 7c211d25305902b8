using System.Text.Json;
using Gateway.MockUpstream;

namespace Gateway.Perf.Tests;

public sealed class MockUpstreamTests
{
    private const string UserTurn = """{"model":"mock","stream":true,"messages":[{"role":"user","content":"say \"role\":\"tool\""}]}""";

    [Fact]
    public async Task StreamsExactlyTheConfiguredChunksThenUsageThenDoneAfterTheTimeToFirstByte()
    {
        await using var server = MockServer.Start(new MockOptions { Port = 0, Chunks = 5, TtfbMs = 150, Text = "hi " });

        var (text, firstByte, _) = await WireClient.ExchangeAsync(server.EndPoint, WireClient.ChatRequest(UserTurn), "0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/event-stream\r\n", text, StringComparison.Ordinal);
        Assert.InRange(firstByte, TimeSpan.FromMilliseconds(140), TimeSpan.FromSeconds(5)); // upper bound: a shared, loaded machine
        var data = WireClient.DataLines(text);
        Assert.Equal(7, data.Count);
        for (var i = 0; i < 5; i++)
        {
            using var chunk = JsonDocument.Parse(data[i]);
            var choice = chunk.RootElement.GetProperty("choices")[0];
            Assert.Equal("hi ", choice.GetProperty("delta").GetProperty("content").GetString());
            Assert.Equal(i == 4 ? "stop" : null, choice.GetProperty("finish_reason").GetString());
        }
        using var usage = JsonDocument.Parse(data[5]);
        Assert.Equal(5, usage.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("[DONE]", data[6]);
    }

    [Fact]
    public async Task SpacesChunksByTheGap()
    {
        await using var server = MockServer.Start(new MockOptions { Port = 0, Chunks = 4, GapMs = 40 });

        var (text, _, lastByte) = await WireClient.ExchangeAsync(server.EndPoint, WireClient.ChatRequest(UserTurn), "0\r\n\r\n");

        // Measured from the request, not the first byte: the gaps run on the server's clock from the request on, and a
        // first byte the client happened to read late would shorten a first-to-last span on a busy machine.
        Assert.True(lastByte >= TimeSpan.FromMilliseconds(115), $"3 gaps of 40 ms after the request, got {lastByte}");
        Assert.Equal(6, WireClient.DataLines(text).Count);
    }

    [Fact]
    public async Task AnswersAUserTurnWithToolCallsAndAToolTurnWithText()
    {
        await using var server = MockServer.Start(new MockOptions { Port = 0, Chunks = 2, ToolCalls = 3, ToolName = "bash", ToolArgs = """{"command":"ls"}""" });

        var (first, _, _) = await WireClient.ExchangeAsync(server.EndPoint, WireClient.ChatRequest(UserTurn), "0\r\n\r\n");
        var toolTurn = """{"model":"mock","stream":true,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":null},{"role":"tool","tool_call_id":"call_0","content":"ok"}]}""";
        var (second, _, _) = await WireClient.ExchangeAsync(server.EndPoint, WireClient.ChatRequest(toolTurn), "0\r\n\r\n");

        var calls = WireClient.DataLines(first);
        Assert.Equal(5, calls.Count); // 3 tool-call deltas, usage, [DONE]
        for (var i = 0; i < 3; i++)
        {
            using var chunk = JsonDocument.Parse(calls[i]);
            var call = chunk.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
            Assert.Equal($"call_{i}", call.GetProperty("id").GetString());
            Assert.Equal("bash", call.GetProperty("function").GetProperty("name").GetString());
            Assert.Equal("""{"command":"ls"}""", call.GetProperty("function").GetProperty("arguments").GetString());
        }
        Assert.Contains("\"finish_reason\":\"tool_calls\"", calls[2], StringComparison.Ordinal);
        Assert.Equal(4, WireClient.DataLines(second).Count); // 2 text chunks, usage, [DONE]
    }

    [Fact]
    public async Task ServesModelsAndNonStreamedCompletionsOnePipelinedBatchInOrder()
    {
        await using var server = MockServer.Start(new MockOptions { Port = 0, Chunks = 3, Text = "ab" });
        var models = "GET /v1/models HTTP/1.1\r\nHost: mock\r\n\r\n";
        var chat = WireClient.ChatRequest("""{"model":"mock","messages":[{"role":"user","content":"x"}]}""");

        var (text, _, _) = await WireClient.ExchangeAsync(server.EndPoint, models + chat + "GET /nope HTTP/1.1\r\n\r\n", "not found\"}");

        var modelsAt = text.IndexOf("""{"object":"list","data":[{"id":"mock","object":"model"}]}""", StringComparison.Ordinal);
        var chatAt = text.IndexOf("\"content\":\"ababab\"", StringComparison.Ordinal);
        var notFoundAt = text.IndexOf("HTTP/1.1 404", StringComparison.Ordinal);
        Assert.True(modelsAt > 0 && chatAt > modelsAt && notFoundAt > chatAt, text);
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task ReadsAChunkedRequestBodyAsHttpClientSendsJsonContentAndKeepsTheConnection()
    {
        await using var server = MockServer.Start(new MockOptions { Port = 0, Chunks = 2, ToolCalls = 1 });
        // The body split inside the token "role", with a chunk extension and a trailer field (RFC 9112 §7.1).
        var (head, tail) = (UserTurn[..46], UserTurn[46..]);
        var chunked = "POST /v1/chat/completions HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + $"{head.Length:x};ext=1\r\n{head}\r\n{tail.Length:X}\r\n{tail}\r\n0\r\nX-Trailer: 1\r\n\r\n";

        var (text, _, _) = await WireClient.ExchangeAsync(server.EndPoint, chunked + "GET /health HTTP/1.1\r\nHost: mock\r\n\r\n", """{"status":"ok"}""");

        // Read whole (a streamed user turn: the tool-call delta, usage, [DONE]), and the connection went on to the next request.
        Assert.Equal(3, WireClient.DataLines(text).Count);
        Assert.Contains("\"tool_calls\"", text, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests);
    }
}
