using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>How an agent's loop ends other than by a plain answer: the iteration limit and a failing model (SPEC §5, §6).</summary>
public sealed class AgentLoopEndTests
{
    [Fact]
    public async Task AfterMaxIterationsToolTurnsOneMoreTurnWithoutToolsSummarises()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"1"}"""))
            .ThenCalls(Call("c2", "echo", """{"text":"2"}"""))
            .ThenCalls(Call("c3", "echo", """{"text":"3"}"""))
            .ThenText("summary");
        var tools = new TestToolRegistry();
        await using var host = await ChatTestHost.StartAsync(model, tools);
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"loop"}],"maxIterations":2,"permissions":{"allowlist":[{"tool":"echo"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(
            ["connected", "harness_start", "usage", "tool_call", "tool_result", "usage", "tool_call", "tool_result", "usage", "harness_end"],
            events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        Assert.Equal($$"""{"type":"harness_end","runId":"{{runId}}","agentId":"{{agentId}}","reason":"max_iterations"}""", events[^1].Data);
        Assert.Equal(["""echo {"text":"1"}""", """echo {"text":"2"}"""], tools.Invocations);

        // The third turn's calls are not run: it is the summarising turn, offered no tools.
        var requests = host.Model.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Equal([ChatRole.User], requests[0].Messages.Select(m => m.Role));
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool], requests[1].Messages.Select(m => m.Role));
        Assert.NotEmpty(requests[0].Tools);
        Assert.NotEmpty(requests[1].Tools);
        Assert.Empty(requests[2].Tools);
        var last = requests[2].Messages[^1];
        Assert.Equal(ChatRole.System, last.Role);
        Assert.Contains("iteration limit", last.Text, StringComparison.Ordinal);
        Assert.Equal(
            [ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant, ChatRole.Tool, ChatRole.System],
            requests[2].Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task TheSummarisingTurnStreamsItsTextBeforeHarnessEnd()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"1"}"""))
            .ThenText("in short: nothing");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"loop"}],"maxIterations":1,"permissions":{"allowlist":[{"tool":"echo"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        Assert.Equal("in short: nothing", events[5].Field("content"));
        Assert.Equal("max_iterations", events[^1].Field("reason"));
    }

    [Fact]
    public async Task AProviderFailureMidTurnIsAnErrorEventThenHarnessEndThenTheEndOfTheStream()
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.TextDelta("partial"), ProviderEvent.Failed("upstream returned 500: overloaded"));
        await using var host = await ChatTestHost.StartAsync(model);
        var (connection, stream) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""");
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "text", "error", "harness_end"], events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        Assert.Equal($$"""{"type":"text","runId":"{{events[2].Field("runId")}}","id":"{{events[2].Field("id")}}","parentId":"{{runId}}","content":"partial","agentId":"{{agentId}}"}""", events[2].Data);
        // The error belongs to the failed call, like its text (SPEC §5): the call's run id, the agent's run as parent.
        Assert.Equal($$"""{"type":"error","runId":"{{events[2].Field("runId")}}","agentId":"{{agentId}}","parentId":"{{runId}}","message":"upstream returned 500: overloaded"}""", events[3].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{runId}}","agentId":"{{agentId}}","reason":"error"}""", events[4].Data);
        Assert.True(stream.Ended);
        await WithinAsync(Patience, () => host.SessionsGone, "the session is removed after its stream ended");
    }

    [Fact]
    public async Task AProviderFailureAfterAToolTurnEndsTheLoopWithoutRunningMoreTurns()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"1"}"""))
            .Then(ProviderEvent.Failed("connection reset"))
            .ThenText("never asked for");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"hi"}],"permissions":{"allowlist":[{"tool":"echo"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "tool_result", "error", "harness_end"], events.Select(e => e.Name));
        Assert.Equal("connection reset", events[5].Field("message"));
        Assert.Equal(2, host.Model.Requests.Count);
    }
}
