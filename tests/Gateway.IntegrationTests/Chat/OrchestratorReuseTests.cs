using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using Gateway.Server.Conversation;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>
/// Pooled orchestrators serve a new session only once the last one's work has stopped, keep no burst-sized buffers,
/// and MAX_SESSIONS holds exactly under concurrent requests (issue 11).
/// </summary>
public sealed class OrchestratorReuseTests
{
    private static readonly TimeSpan StubbornSeconds = TimeSpan.FromSeconds(2);

    private static string Chat(string content, params string[] allowed) =>
        $$$"""{"model":"test-model","messages":[{"role":"user","content":"{{{content}}}"}],"permissions":{"allowlist":[{{{string.Join(",", allowed.Select(tool => $$"""{"tool":"{{tool}}"}"""))}}}]}}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AToolThatIgnoresCancellationIsAwaitedBeforeItsOrchestratorServesAnotherSession(bool inASubagent)
    {
        // The cancellation-honouring call comes first, so the run's wait for results is cut short before the stubborn one ends.
        ToolCallRequest[] calls = [Call("c1", "slow", """{"ms":60000}"""), Call("c2", "stubborn", $$"""{"seconds":{{StubbornSeconds.TotalSeconds}}}""")];
        var tools = new TestToolRegistry();
        var model = inASubagent
            ? new ScriptedModelProvider().ThenCalls(Call("a1", "agent", """{"task":"work"}""")).ThenCalls(calls)
            : new ScriptedModelProvider().ThenCalls(calls);
        model.ThenCalls(Call("c3", "files", "{}")).ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, tools, new AgentOptions { PooledOrchestrators = 1, Clock = tools.Clock });
        var (first, _) = await host.OpenChatAsync(Chat("go", "agent", "slow", "stubborn"));
        await Task.WhenAll(tools.SlowStarted, tools.StubbornStarted).WaitAsync(Patience);

        await first.DisposeAsync();
        await tools.SlowCancelled.WaitAsync(Patience);
        await WithinAsync(Patience, () => host.Host.Sessions.Count == 0, "the session is removed while its stubborn tool still runs");
        Assert.Equal((1, 0), (host.Host.Orchestrators.Rented, host.Host.Orchestrators.Available));

        // The tool's late write lands before the orchestrator is reset and pooled, never in the next session.
        tools.Clock.Advance(StubbornSeconds);
        await tools.StubbornFinished.WaitAsync(Patience);
        await WithinAsync(Patience, () => host.Host.Orchestrators.Available == 1, "the orchestrator is pooled once its tool has stopped");
        Assert.Equal(0, host.Host.Orchestrators.Rented);

        Assert.Equal("(none)", await FilesSeenByTheNextSessionAsync(host));
        Assert.Equal(1, host.Host.Orchestrators.Available);
    }

    [Fact]
    public async Task AnOrchestratorWhoseToolOutlivesTheDrainBoundIsDroppedNotPooled()
    {
        var tools = new TestToolRegistry();
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "stubborn", """{"seconds":3600}"""))
            .ThenCalls(Call("c2", "files", "{}")).ThenText("done")
            .ThenCalls(Call("c3", "files", "{}")).ThenText("done");
        var drain = TimeSpan.FromSeconds(5);
        await using var host = await ChatTestHost.StartAsync(model, tools, new AgentOptions { PooledOrchestrators = 1, Clock = tools.Clock, WorkDrainTimeout = drain });
        var (first, _) = await host.OpenChatAsync(Chat("go", "stubborn"));
        await tools.StubbornStarted.WaitAsync(Patience);

        await first.DisposeAsync();
        await WithinAsync(Patience, () => host.Host.Sessions.Count == 0, "the session is removed");
        Assert.Equal(1, host.Host.Orchestrators.Rented);
        // The drain's timer starts a moment after the session is unregistered; a second per step, the tool's hour is far off.
        var stepped = TimeSpan.Zero;
        await WithinAsync(Patience, () =>
        {
            tools.Clock.Advance(TimeSpan.FromSeconds(1));
            stepped += TimeSpan.FromSeconds(1);
            return host.Host.Orchestrators.Rented == 0;
        }, "the orchestrator is let go after the drain bound");
        Assert.Equal(0, host.Host.Orchestrators.Available);
        Assert.InRange(stepped, drain, drain * 2);
        Assert.False(tools.StubbornFinished.IsCompleted);

        // A fresh orchestrator serves on; the dropped one's late write reaches no session, before or after it happens.
        Assert.Equal("(none)", await FilesSeenByTheNextSessionAsync(host));
        tools.Clock.Advance(TimeSpan.FromHours(1));
        await tools.StubbornFinished.WaitAsync(Patience);
        Assert.Equal("(none)", await FilesSeenByTheNextSessionAsync(host));
    }

    [Fact]
    public async Task APooledOrchestratorKeepsOnlyAFewKiBAfterABurst()
    {
        var model = new ScriptedModelProvider().ThenText(new string('x', 300_000));
        await using var host = await ChatTestHost.StartAsync(model, agents: new AgentOptions { PooledOrchestrators = 1 });
        var rules = string.Join(",", Enumerable.Range(0, 2000).Select(i => $$"""{"tool":"t{{i}}"}"""));
        var (connection, stream) = await host.OpenChatAsync($$$"""{"model":"test-model","messages":[{"role":"user","content":"burst"}],"permissions":{"allowlist":[{{{rules}}}]}}""");
        await using var _ = connection;
        Assert.Equal(300_000, (await stream.ReadAllEventsAsync()).Single(e => e.Name == "text").Field("content")!.Length);
        await WithinAsync(Patience, () => host.Host.Orchestrators.Available == 1, "the orchestrator is pooled");

        var pooled = host.Host.Orchestrators.Rent();
        try
        {
            // Two 4 KiB event buffers and empty rule lists, not the 300 KB event and 2,000 rules the burst left.
            Assert.InRange(pooled.RetainedBufferBytes, 0, 12 * 1024);
        }
        finally
        {
            await host.Host.Orchestrators.ReturnAsync(pooled);
        }
    }

    [Fact]
    public async Task MaxSessionsHoldsExactlyUnderConcurrentRequests()
    {
        const int Limit = 3;
        const int Requests = 16;
        var model = new ScriptedModelProvider();
        for (var i = 0; i < Requests; i++)
        {
            model.ThenHang("busy");
        }
        await using var host = await ChatTestHost.StartAsync(model, agents: new AgentOptions { MaxSessions = Limit });

        var connections = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => host.PostAsync("/chat", Chat("hi"))));
        try
        {
            var statuses = (await Task.WhenAll(connections.Select(c => c.ReadResponseAsync(headRequest: true)))).Select(r => r.StatusCode).ToList();
            Assert.Equal((Limit, Requests - Limit), (statuses.Count(s => s == 200), statuses.Count(s => s == 503)));
            Assert.Equal(Limit, host.Host.Sessions.Count);

            var refused = await host.PostForResponseAsync("/chat", Chat("one more"));
            Assert.Equal((503, """{"error":"Too many concurrent sessions"}"""), (refused.StatusCode, refused.Body));
        }
        finally
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }
        await WithinAsync(Patience, () => host.SessionsGone, "every session ends with its client");
    }

    /// <summary>Runs a session whose model calls <c>files</c>; returns what that tool saw of the session's reads.</summary>
    private static async Task<string?> FilesSeenByTheNextSessionAsync(ChatTestHost host)
    {
        var (connection, stream) = await host.OpenChatAsync(Chat("again", "files"));
        await using var _ = connection;
        var result = (await stream.ReadAllEventsAsync()).Single(e => e.Name == "tool_result");
        await WithinAsync(Patience, () => host.Host.Orchestrators.Rented == 0, "the session's orchestrator is returned");
        return result.Json.GetProperty("output").GetProperty("context").GetString();
    }
}
