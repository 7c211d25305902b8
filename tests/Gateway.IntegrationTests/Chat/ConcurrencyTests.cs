using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Providers;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>Approved calls of one turn run concurrently with results in model order (SPEC §5); sessions run side by side.</summary>
public sealed class ConcurrencyTests
{
    private const string AllowBarrierWaitSignal = """
        {"model":"test-model","messages":[{"role":"user","content":"go"}],
         "permissions":{"allowlist":[{"tool":"barrier"},{"tool":"wait"},{"tool":"signal"}]}}
        """;

    [Fact]
    public async Task ApprovedCallsOfOneTurnRunConcurrently()
    {
        // Each barrier call completes only once all three are in flight together; run one by one, each would time out.
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "barrier", """{"parties":3}"""), Call("c2", "barrier", """{"parties":3}"""), Call("c3", "barrier", """{"parties":3}"""))
            .ThenText("done");
        var tools = new TestToolRegistry();
        await using var host = await ChatTestHost.StartAsync(model, tools);
        var (connection, stream) = await host.OpenChatAsync(AllowBarrierWaitSignal);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(
            ["connected", "harness_start", "usage", "tool_call", "tool_call", "tool_call", "tool_result", "tool_result", "tool_result", "text", "usage", "harness_end"],
            events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{runId}}/c{{i + 1}}","name":"barrier","input":{"parties":3},"agentId":"{{agentId}}"}""", events[3 + i].Data);
            Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c{{i + 1}}","name":"barrier","output":{"context":"passed with 3 in flight"},"agentId":"{{agentId}}"}""", events[6 + i].Data);
        }
        Assert.Equal(3, tools.MaxInFlight);
    }

    [Fact]
    public async Task ResultsComeInModelOrderEvenWhenALaterCallFinishesFirst()
    {
        // c1 waits until c2 has run: c2 finishes first, yet c1's result is emitted (and put in the history) first.
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "wait", """{"key":"k"}"""), Call("c2", "signal", """{"key":"k"}"""))
            .ThenText("done");
        var tools = new TestToolRegistry();
        await using var host = await ChatTestHost.StartAsync(model, tools);
        var (connection, stream) = await host.OpenChatAsync(AllowBarrierWaitSignal);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "tool_call", "tool_result", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c1","name":"wait","output":{"context":"waited for k"},"agentId":"{{agentId}}"}""", events[5].Data);
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c2","name":"signal","output":{"context":"signalled k"},"agentId":"{{agentId}}"}""", events[6].Data);
        Assert.Equal(["""signal {"key":"k"}""", """wait {"key":"k"}"""], tools.Completions);

        var history = host.Model.Requests.ToArray()[1].Messages;
        Assert.Equal([("c1", "waited for k"), ("c2", "signalled k")], history.Skip(2).Select(m => (m.ToolCallId, m.Text)));
    }

    [Fact]
    public async Task TwoSessionsOnTwoConnectionsRunAtOnceAndKeepTheirEventsApart()
    {
        // Each session's model turn answers only once both turns are in flight, so the sessions must run side by side.
        var bothInFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        IAsyncEnumerable<ProviderEvent> Reply(ModelTurnRequest request, CancellationToken token)
        {
            if (Interlocked.Increment(ref arrived) == 2)
            {
                bothInFlight.TrySetResult();
            }
            return After(bothInFlight.Task, Text($"reply to {request.Messages[^1].Text}"))(request, token);
        }
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().Then(Reply).Then(Reply));

        var (connectionA, streamA) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"alpha"}]}""");
        await using var _ = connectionA;
        var (connectionB, streamB) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"beta"}]}""");
        await using var __ = connectionB;
        var both = await Task.WhenAll(streamA.ReadAllEventsAsync(), streamB.ReadAllEventsAsync());

        var seenIds = new HashSet<string>();
        foreach (var (events, word) in new[] { (both[0], "alpha"), (both[1], "beta") })
        {
            Assert.Equal(["connected", "harness_start", "text", "usage", "harness_end"], events.Select(e => e.Name));
            var sessionId = events[0].Field("sessionId")!;
            var runId = events[1].Field("runId")!;
            var agentId = events[1].Field("agentId")!;
            var providerRunId = events[2].Field("runId")!;
            Assert.Equal($$"""{"type":"text","runId":"{{providerRunId}}","id":"{{events[2].Field("id")}}","parentId":"{{runId}}","content":"reply to {{word}}","agentId":"{{agentId}}"}""", events[2].Data);
            Assert.Equal($$"""{"type":"usage","runId":"{{providerRunId}}","parentId":"{{runId}}","inputTokens":10,"outputTokens":1,"agentId":"{{agentId}}"}""", events[3].Data);
            Assert.Equal($$"""{"type":"harness_end","runId":"{{runId}}","agentId":"{{agentId}}"}""", events[4].Data);
            Assert.All([sessionId, runId, agentId, providerRunId], id => Assert.True(seenIds.Add(id), $"{id} appears in both sessions"));
        }
        Assert.True(bothInFlight.Task.IsCompletedSuccessfully);
    }
}
