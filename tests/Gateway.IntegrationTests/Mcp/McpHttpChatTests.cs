using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Mcp;

/// <summary>A Streamable HTTP server (the C# SDK's, <see cref="McpHttpTestServer"/>) through POST /chat: its entry's headers, progress, cancellation.</summary>
public sealed class McpHttpChatTests
{
    private const string AllowAll = """{"allowlist":[{"tool":"mcp__remote__progress"},{"tool":"mcp__remote__block"}]}""";

    [Fact]
    public async Task TheEntrysHeadersReachTheServerAndItsProgressStreamsBeforeTheResult()
    {
        await using var server = await McpHttpTestServer.StartAsync();
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__remote__progress", "{}")).ThenText("done");
        await using var mcp = await McpTestHost.StartAsync(Remote(server), model);
        var ready = await mcp.ReadyAsync("remote");
        Assert.Equal("http", ready.GetProperty("transport").GetString());
        Assert.All(server.Requests, headers => Assert.Equal("Bearer remote-secret", headers["authorization"]));

        var (connection, stream) = await mcp.OpenChatAsync(AllowAll);
        await using var _ = connection;
        var head = await stream.ReadUntilAsync("tool_progress");
        // The server waits for the test after its first report: MCP does not order notifications before the answer.
        Assert.Equal("progress 1/2: halfway\n", head[^1].Field("content"));
        server.ReleaseProgress();

        var rest = await stream.ReadAllEventsAsync();
        Assert.Equal("""{"context":"done"}""", rest.Single(e => e.Name == "tool_result").Json.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task AClientThatLeavesCancelsTheCallAtTheServer()
    {
        await using var server = await McpHttpTestServer.StartAsync();
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "mcp__remote__block", "{}"));
        await using var mcp = await McpTestHost.StartAsync(Remote(server), model);
        await mcp.ReadyAsync("remote");
        var (connection, _) = await mcp.OpenChatAsync(AllowAll);
        await server.BlockStarted.WaitAsync(Patience);

        await mcp.Chat.DisconnectWithinAsync(connection, TimeSpan.FromSeconds(1));

        // The server's own cancellation token fired: the client told it (MCP cancellation, whichever revision was negotiated).
        await server.BlockCancelled.WaitAsync(Patience);
    }

    private static string Remote(McpHttpTestServer server) =>
        $$$""""
        "remote":{"url":"{{{server.Url}}}","headers":{"Authorization":"Bearer remote-secret"}}
        """";
}
