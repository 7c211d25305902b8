using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Agents;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>Permission relays: POST /chat/relay/:relayId answers, "always" rules, denials, timeouts, session binding, pings (SPEC §4–§6).</summary>
public sealed class RelayTests
{
    private const string Go = """{"model":"test-model","messages":[{"role":"user","content":"go"}]}""";

    [Fact]
    public async Task AnApprovedRelayRunsTheCallAndAlwaysAllowsLaterCallsWithTheSameFirstWord()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"hello world"}"""))
            .ThenCalls(Call("c2", "echo", """{"text":"hello again, twice"}"""), Call("c3", "echo", """{"text":"goodbye"}"""))
            .ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync(Go);
        await using var _ = connection;

        var head = await stream.ReadUntilAsync("relay");
        Assert.Equal(["connected", "harness_start", "usage", "relay"], head.Select(e => e.Name));
        var sessionId = head[0].Field("sessionId")!;
        var runId = head[1].Field("runId");
        var agentId = head[1].Field("agentId");
        var relayId = head[3].Field("id")!;
        Assert.Equal(7, Guid.Parse(relayId).Version);
        Assert.Equal($$"""{"type":"relay","kind":"permission","runId":"{{runId}}","id":"{{relayId}}","toolCallId":"{{runId}}/c1","tool":"echo","params":{"text":"hello world"},"agentId":"{{agentId}}"}""", head[3].Data);

        await host.AnswerAsync(relayId, sessionId, """{"approved":true,"always":true}""");
        var again = await host.AnswerRelayAsync(relayId, $$$"""{"sessionId":"{{{sessionId}}}","response":{"approved":true}}""");
        Assert.Equal((404, "application/json", """{"error":"Relay not found"}"""), (again.StatusCode, again.Header("Content-Type"), again.Body));

        // The first call runs with the relay's toolCallId; in the next turn "hello **" lets c2 through, c3 still asks.
        var middle = await stream.ReadUntilAsync("relay");
        Assert.Equal(["tool_call", "tool_result", "usage", "tool_call", "relay"], middle.Select(e => e.Name));
        Assert.Equal(head[3].Field("toolCallId"), middle[0].Field("id"));
        Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{runId}}/c1","name":"echo","input":{"text":"hello world"},"agentId":"{{agentId}}"}""", middle[0].Data);
        Assert.Equal($$$"""{"type":"tool_result","runId":"{{{runId}}}","id":"{{{runId}}}/c1","name":"echo","output":{"context":"echo: hello world","result":{"text":"hello world"}},"agentId":"{{{agentId}}}"}""", middle[1].Data);
        Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{runId}}/c2","name":"echo","input":{"text":"hello again, twice"},"agentId":"{{agentId}}"}""", middle[3].Data);
        var secondRelayId = middle[4].Field("id")!;
        Assert.NotEqual(relayId, secondRelayId);
        Assert.Equal($$"""{"type":"relay","kind":"permission","runId":"{{runId}}","id":"{{secondRelayId}}","toolCallId":"{{runId}}/c3","tool":"echo","params":{"text":"goodbye"},"agentId":"{{agentId}}"}""", middle[4].Data);

        await host.AnswerAsync(secondRelayId, sessionId, """{"approved":false}""");
        var rest = await stream.ReadAllEventsAsync();
        Assert.Equal(["tool_result", "tool_result", "text", "usage", "harness_end"], rest.Select(e => e.Name));
        // The refusal is reported when decided (SPEC §5 order), before the approved call's result.
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c3","name":"echo","output":{"status":"denied"},"agentId":"{{agentId}}"}""", rest[0].Data);
        Assert.Equal($$$"""{"type":"tool_result","runId":"{{{runId}}}","id":"{{{runId}}}/c2","name":"echo","output":{"context":"echo: hello again, twice","result":{"text":"hello again, twice"}},"agentId":"{{{agentId}}}"}""", rest[1].Data);
    }

    [Fact]
    public async Task ARelayDeniedWithAReasonGivesADeniedResultWithThatReason()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"secret"}"""))
            .ThenText("ok");
        var tools = new TestToolRegistry();
        await using var host = await ChatTestHost.StartAsync(model, tools);
        var (connection, stream) = await host.OpenChatAsync(Go);
        await using var _ = connection;

        var head = await stream.ReadUntilAsync("relay");
        await host.AnswerAsync(head[3].Field("id")!, head[0].Field("sessionId")!, """{"approved":false,"reason":"not today"}""");

        var rest = await stream.ReadAllEventsAsync();
        Assert.Equal(["tool_result", "text", "usage", "harness_end"], rest.Select(e => e.Name));
        var runId = head[1].Field("runId");
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c1","name":"echo","output":{"status":"denied","reason":"not today"},"agentId":"{{head[1].Field("agentId")}}"}""", rest[0].Data);
        Assert.Empty(tools.Invocations);
        var history = host.Model.Requests.ToArray()[1].Messages;
        Assert.Equal(("c1", """{"status":"denied","reason":"not today"}"""), (history[^1].ToolCallId, history[^1].Text));
    }

    [Fact]
    public async Task AnUnansweredRelayIsDeniedWithRelayTimedOut()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"x"}"""))
            .ThenText("ok");
        var tools = new TestToolRegistry();
        await using var host = await ChatTestHost.StartAsync(model, tools, new AgentOptions { RelayTimeout = TimeSpan.FromMilliseconds(300) });
        var (connection, stream) = await host.OpenChatAsync(Go);
        await using var _ = connection;

        var head = await stream.ReadUntilAsync("relay");
        var rest = await stream.ReadAllEventsAsync();
        Assert.Equal(["tool_result", "text", "usage", "harness_end"], rest.Select(e => e.Name));
        var runId = head[1].Field("runId");
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c1","name":"echo","output":{"status":"denied","reason":"relay timed out"},"agentId":"{{head[1].Field("agentId")}}"}""", rest[0].Data);
        Assert.Empty(tools.Invocations);
        Assert.Equal("""{"status":"denied","reason":"relay timed out"}""", host.Model.Requests.ToArray()[1].Messages[^1].Text);

        // The session is over: its relay is answered with "Session not found".
        var late = await host.AnswerRelayAsync(head[3].Field("id")!, $$$"""{"sessionId":"{{{head[0].Field("sessionId")}}}","response":{"approved":true}}""");
        Assert.Equal((404, """{"error":"Session not found"}"""), (late.StatusCode, late.Body));
    }

    [Fact]
    public async Task ARelayIsBoundToItsSessionAndAnotherLiveSessionsIdDoesNotFindIt()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("a1", "echo", """{"text":"a"}"""))
            .ThenCalls(Call("b1", "echo", """{"text":"b"}"""))
            .ThenText("done")
            .ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connectionA, streamA) = await host.OpenChatAsync(Go);
        await using var _ = connectionA;
        var headA = await streamA.ReadUntilAsync("relay");
        var (connectionB, streamB) = await host.OpenChatAsync(Go);
        await using var __ = connectionB;
        var headB = await streamB.ReadUntilAsync("relay");
        var (sessionA, relayA) = (headA[0].Field("sessionId")!, headA[3].Field("id")!);
        var (sessionB, relayB) = (headB[0].Field("sessionId")!, headB[3].Field("id")!);
        Assert.NotEqual(sessionA, sessionB);
        Assert.Equal(2, host.Host.Sessions.Count);

        foreach (var (relay, wrongSession) in new[] { (relayA, sessionB), (relayB, sessionA) })
        {
            var crossed = await host.AnswerRelayAsync(relay, $$$"""{"sessionId":"{{{wrongSession}}}","response":{"approved":true}}""");
            Assert.Equal((404, "application/json", """{"error":"Relay not found"}"""), (crossed.StatusCode, crossed.Header("Content-Type"), crossed.Body));
        }

        // Both relays are still pending and still answerable by their own sessions.
        await host.AnswerAsync(relayA, sessionA, """{"approved":true}""");
        await host.AnswerAsync(relayB, sessionB, """{"approved":false,"reason":"b says no"}""");
        var restA = await streamA.ReadAllEventsAsync();
        var restB = await streamB.ReadAllEventsAsync();
        Assert.Equal(["tool_call", "tool_result", "text", "usage", "harness_end"], restA.Select(e => e.Name));
        Assert.Equal(["tool_result", "text", "usage", "harness_end"], restB.Select(e => e.Name));
        Assert.Equal("""{"status":"denied","reason":"b says no"}""", restB[0].Json.GetProperty("output").GetRawText());
    }

    [Fact]
    public async Task WhileARelayWaitsTheStreamCarriesPingComments()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"x"}"""))
            .ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry(), new AgentOptions { PingInterval = TimeSpan.FromMilliseconds(200) });
        var (connection, stream) = await host.OpenChatAsync(Go);
        await using var _ = connection;

        var head = await stream.ReadUntilAsync("relay");
        for (var i = 0; i < 2; i++)
        {
            var next = await stream.ReadAsync();
            Assert.NotNull(next);
            Assert.True(next.IsComment, $"Expected a ping comment, got {next}");
            Assert.Equal("ping", next.Data);
        }

        await host.AnswerAsync(head[3].Field("id")!, head[0].Field("sessionId")!, """{"approved":true}""");
        var rest = await stream.ReadAllEventsAsync();
        Assert.Equal(["tool_call", "tool_result", "text", "usage", "harness_end"], rest.Select(e => e.Name));
    }
}
