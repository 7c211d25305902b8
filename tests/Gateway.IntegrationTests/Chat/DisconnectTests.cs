using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>
/// SPEC §6 [Gateway]: when the client disconnects, model calls are aborted, running tools are cancelled, pending relays
/// dropped and the session removed (its orchestrator back in the pool) — within 1 s, measured from the disconnect.
/// </summary>
[Collection(SpecTimingCollection.Name)]
public sealed class DisconnectTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task DisconnectingMidTurnAbortsTheModelCallAndRemovesTheSession()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenHang("thinking..."));
        var (connection, stream) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""");
        var head = await stream.ReadUntilAsync("text");
        Assert.Equal("thinking...", head[^1].Field("content"));
        Assert.Equal((1, 1), (host.Host.Sessions.Count, host.Host.Orchestrators.Rented));

        await host.DisconnectWithinAsync(connection, Limit, host.Model.Cancelled);
    }

    [Fact]
    public async Task DisconnectingWhileARelayWaitsDropsTheRelayAndRemovesTheSession()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "echo", """{"text":"x"}""")).ThenText("never");
        var tools = new TestToolRegistry();
        await using var host = await ChatTestHost.StartAsync(model, tools);
        var (connection, stream) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"go"}]}""");
        var head = await stream.ReadUntilAsync("relay");

        await host.DisconnectWithinAsync(connection, Limit);

        var late = await host.AnswerRelayAsync(head[3].Field("id")!, $$$"""{"sessionId":"{{{head[0].Field("sessionId")}}}","response":{"approved":true}}""");
        Assert.Equal((404, """{"error":"Session not found"}"""), (late.StatusCode, late.Body));
        Assert.Empty(tools.Invocations);
        Assert.Single(host.Model.Requests);
    }

    [Fact]
    public async Task DisconnectingWhileAToolRunsCancelsTheTool()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "slow", """{"ms":60000}""")).ThenText("never");
        var tools = new TestToolRegistry();
        await using var host = await ChatTestHost.StartAsync(model, tools);
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"slow"}]}}
            """);
        await stream.ReadUntilAsync("tool_call");
        await tools.SlowStarted.WaitAsync(Patience);

        await host.DisconnectWithinAsync(connection, Limit, tools.SlowCancelled);
        Assert.Single(host.Model.Requests);
    }

    [Fact]
    public async Task AfterADisconnectTheReturnedOrchestratorServesTheNextSessionCleanly()
    {
        // The pooled orchestrator is reused: nothing of the dropped session (permissions, relays, events) leaks into the next.
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "slow", """{"ms":60000}"""))
            .ThenCalls(Call("c2", "echo", """{"text":"x"}"""))
            .ThenText("second session done");
        var tools = new TestToolRegistry();
        await using var host = await ChatTestHost.StartAsync(model, tools, new AgentOptions { PooledOrchestrators = 1 });
        var (first, firstStream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"slow"},{"tool":"echo"}]}}
            """);
        var firstHead = await firstStream.ReadUntilAsync("tool_call");
        await tools.SlowStarted.WaitAsync(Patience);
        await first.DisposeAsync();
        await WithinAsync(Limit, () => host.SessionsGone, "the first session is removed");
        Assert.Equal(1, host.Host.Orchestrators.Available);

        // Without the first session's allowlist, echo must ask.
        var (second, secondStream) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"again"}]}""");
        await using var _ = second;
        var head = await secondStream.ReadUntilAsync("relay");
        Assert.Equal(["connected", "harness_start", "usage", "relay"], head.Select(e => e.Name));
        Assert.Equal(0, host.Host.Orchestrators.Available);
        var sessionId = head[0].Field("sessionId")!;
        Assert.NotEqual(firstHead[0].Field("sessionId"), sessionId);
        var stale = await host.AnswerRelayAsync(head[3].Field("id")!, $$$"""{"sessionId":"{{{firstHead[0].Field("sessionId")}}}","response":{"approved":true}}""");
        Assert.Equal((404, """{"error":"Session not found"}"""), (stale.StatusCode, stale.Body));

        await host.AnswerAsync(head[3].Field("id")!, sessionId, """{"approved":true}""");
        var rest = await secondStream.ReadAllEventsAsync();
        Assert.Equal(["tool_call", "tool_result", "text", "usage", "harness_end"], rest.Select(e => e.Name));
        Assert.Equal("second session done", rest[2].Field("content"));
        Assert.All(rest, e => Assert.Equal(head[1].Field("agentId"), e.Field("agentId")));
    }
}
