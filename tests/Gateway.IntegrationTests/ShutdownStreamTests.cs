using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.OpenAi;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests;

/// <summary>
/// Streams at shutdown end well-formed (issue 11, item 13): one still running when the server can wait no longer says
/// why (an <c>error</c> event, then a <c>harness_end</c> for each of its open runs; on /v1 an error chunk) before the last chunk, and one
/// that starts during the drain is framed as its head says.
/// </summary>
public sealed class ShutdownStreamTests
{
    private const string ChatBody = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";
    private static readonly Gateway.Server.Http.HttpServerOptions QuickShutdown = TestServer.FastOptions with { ShutdownTimeout = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task ChatStreamStillRunningAtTheDeadlineEndsWithAnErrorAndHarnessEnd()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenHang("Hel"), http: QuickShutdown);
        var (connection, events) = await host.OpenChatAsync(ChatBody);
        await using var _ = connection;
        var started = await events.ReadUntilAsync("text");

        var stopping = host.Host.StopAsync();
        var rest = await events.ReadAllEventsAsync();

        Assert.Equal(["error", "harness_end"], rest.Select(e => e.Name));
        Assert.Equal("""{"type":"error","message":"Server is shutting down"}""", rest[0].Data);
        var run = started.Single(e => e.Name == "harness_start");
        Assert.Equal($$"""{"type":"harness_end","runId":"{{run.Field("runId")}}","agentId":"{{run.Field("agentId")}}","reason":"error"}""", rest[1].Data);
        Assert.True(events.Ended);
        Assert.True(await connection.IsClosedByServerAsync());
        await stopping.WaitAsync(RawConnection.ReadTimeout);
    }

    [Fact]
    public async Task SubagentsStillRunningAtTheDeadlineEachEndInnermostFirstBeforeTheRoot()
    {
        // The root spawns a subagent, which spawns one more, whose model turn hangs (depth 2, the default maxDepth).
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("a1", "agent", """{"task":"dig"}"""))
            .ThenCalls(Call("a2", "agent", """{"task":"deeper"}"""))
            .ThenHang("Hel");
        await using var host = await ChatTestHost.StartAsync(model, http: QuickShutdown);
        var (connection, events) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"agent"}]}}
            """);
        await using var _ = connection;
        var started = await events.ReadUntilAsync("text");

        var stopping = host.Host.StopAsync();
        var rest = await events.ReadAllEventsAsync();

        var runs = started.Where(e => e.Name == "harness_start").ToArray();
        Assert.Equal(3, runs.Length);
        Assert.Equal(["error", "harness_end", "harness_end", "harness_end"], rest.Select(e => e.Name));
        Assert.Equal("""{"type":"error","message":"Server is shutting down"}""", rest[0].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{runs[2].Field("runId")}}","agentId":"{{runs[2].Field("agentId")}}","parentId":"{{runs[1].Field("runId")}}/a2","reason":"error"}""", rest[1].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{runs[1].Field("runId")}}","agentId":"{{runs[1].Field("agentId")}}","parentId":"{{runs[0].Field("runId")}}/a1","reason":"error"}""", rest[2].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{runs[0].Field("runId")}}","agentId":"{{runs[0].Field("agentId")}}","reason":"error"}""", rest[3].Data);
        Assert.Equal(runs.Select(r => r.Field("parentId")), [null, $"{runs[0].Field("runId")}/a1", $"{runs[1].Field("runId")}/a2"]);
        Assert.True(events.Ended);
        Assert.True(await connection.IsClosedByServerAsync());
        await stopping.WaitAsync(RawConnection.ReadTimeout);
    }

    [Fact]
    public async Task CompletionStreamStillRunningAtTheDeadlineEndsWithAnErrorChunk()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenHang("Hel"), http: QuickShutdown);
        await using var connection = await host.PostAsync(OpenAiTestKit.CompletionsPath, """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal("chunked", (await connection.ReadResponseAsync(headRequest: true)).Header("Transfer-Encoding"));
        var body = new StringBuilder();
        while (!body.ToString().Contains("Hel", StringComparison.Ordinal))
        {
            body.Append(Encoding.UTF8.GetString(await connection.ReadChunkAsync()));
        }

        var stopping = host.Host.StopAsync();
        while (await connection.ReadChunkAsync() is { Length: > 0 } chunk)
        {
            body.Append(Encoding.UTF8.GetString(chunk));
        }

        Assert.EndsWith(
            """data: {"error":{"message":"Server is shutting down","type":"server_error","param":null,"code":null}}""" + "\n\n",
            body.ToString(),
            StringComparison.Ordinal);
        Assert.True(await connection.IsClosedByServerAsync());
        await stopping.WaitAsync(RawConnection.ReadTimeout);
    }

    [Fact]
    public async Task WholeCompletionStillWaitedForAtTheDeadlineIs503()
    {
        var model = new ScriptedModelProvider().ThenHang("Hel");
        await using var host = await ChatTestHost.StartAsync(model, http: QuickShutdown);
        await using var connection = await host.PostAsync(OpenAiTestKit.CompletionsPath, """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""");
        await AgentScript.WithinAsync(AgentScript.Patience, () => !model.Requests.IsEmpty, "the turn has started");

        var stopping = host.Host.StopAsync();
        var response = await connection.ReadResponseAsync();

        Assert.Equal(503, response.StatusCode);
        Assert.Equal("""{"error":{"message":"Server is shutting down","type":"server_error","param":null,"code":null}}""", response.Body);
        Assert.Equal("close", response.Header("Connection"));
        await stopping.WaitAsync(RawConnection.ReadTimeout);
    }

    [Fact]
    public async Task StreamThatStartsDuringTheDrainIsChunkedToItsLastChunk()
    {
        var model = new ScriptedModelProvider().ThenHang("held").ThenText("Hel", "lo");
        await using var host = await ChatTestHost.StartAsync(model, http: QuickShutdown);
        var (held, heldEvents) = await host.OpenChatAsync(ChatBody);
        await using var _ = held;
        await heldEvents.ReadUntilAsync("text");
        await using var idle = await host.Host.ConnectAsync();
        await using var late = await host.Host.ConnectAsync();
        // 100 (Continue) says the server is reading this request's body, so the drain does not see it as idle.
        await late.SendAsync($"POST /chat HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: {ChatBody.Length}\r\n\r\n");
        Assert.Equal(100, (await late.ReadResponseAsync()).StatusCode);

        var stopping = host.Host.StopAsync();
        Assert.True(await idle.IsClosedByServerAsync()); // The drain has begun.
        await late.SendAsync(ChatBody);

        var head = await late.ReadResponseAsync(headRequest: true);
        Assert.Equal("chunked", head.Header("Transfer-Encoding"));
        Assert.Equal("close", head.Header("Connection"));
        var events = await new EventStreamReader(late).ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "text", "text", "usage", "harness_end"], events.Select(e => e.Name));
        Assert.True(await late.IsClosedByServerAsync());
        await stopping.WaitAsync(RawConnection.ReadTimeout);
    }
}
