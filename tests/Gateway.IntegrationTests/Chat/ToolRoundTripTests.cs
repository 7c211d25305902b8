using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Tools;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>Tool calls allowed by the request's permissions, and calls that fail, end to end (SPEC §5, §6).</summary>
public sealed class ToolRoundTripTests
{
    [Fact]
    public async Task AnAllowlistedCallRunsAndItsContextGoesBackToTheModel()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("call_1", "echo", """{"text":"hi there"}"""))
            .ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"say hi"}],"permissions":{"allowlist":[{"tool":"echo"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        var firstTurn = events[2].Field("runId");
        var secondTurn = events[5].Field("runId");
        Assert.NotEqual(firstTurn, secondTurn);
        Assert.Equal($$"""{"type":"usage","runId":"{{firstTurn}}","parentId":"{{runId}}","inputTokens":5,"outputTokens":1,"agentId":"{{agentId}}"}""", events[2].Data);
        Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{runId}}/call_1","name":"echo","input":{"text":"hi there"},"agentId":"{{agentId}}"}""", events[3].Data);
        Assert.Equal($$$"""{"type":"tool_result","runId":"{{{runId}}}","id":"{{{runId}}}/call_1","name":"echo","output":{"context":"echo: hi there","result":{"text":"hi there"}},"agentId":"{{{agentId}}}"}""", events[4].Data);
        Assert.Equal($$"""{"type":"text","runId":"{{secondTurn}}","id":"{{events[5].Field("id")}}","parentId":"{{runId}}","content":"done","agentId":"{{agentId}}"}""", events[5].Data);
        Assert.Equal($$"""{"type":"usage","runId":"{{secondTurn}}","parentId":"{{runId}}","inputTokens":10,"outputTokens":1,"agentId":"{{agentId}}"}""", events[6].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{runId}}","agentId":"{{agentId}}"}""", events[7].Data);

        var requests = host.Model.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal(["echo", "data", "fail", "crash", "slow", "barrier", "wait", "signal", "stubborn", "files", "agent"], requests[0].Tools.Select(t => t.Name));
        Assert.Equal([(ChatRole.User, "say hi")], requests[0].Messages.Select(m => (m.Role, m.Text)));
        var history = requests[1].Messages;
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool], history.Select(m => m.Role));
        var assistant = history[1];
        Assert.Empty(assistant.Content);
        var call = Assert.Single(assistant.ToolCalls);
        Assert.Equal(("call_1", "echo", """{"text":"hi there"}"""), (call.Id, call.Name, call.Arguments.ToString()));
        Assert.Equal("call_1", history[2].ToolCallId);
        Assert.Equal("echo: hi there", history[2].Text);
    }

    [Fact]
    public async Task ParamGlobsAllowMatchingCallsOnlyAndAResultWithoutContextGoesBackAsJson()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(
                Call("c1", "echo", """{"text":"hi there"}"""),
                Call("c2", "data", """{"value":42}"""),
                Call("c3", "echo", """{"text":"bye"}"""))
            .ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],
             "permissions":{"allowlist":[{"tool":"echo","params":{"text":"hi *"}},{"tool":"data","params":{"value":"4*"}}]}}
            """);
        await using var _ = connection;

        // Calls are decided in model order: the two matching ones go straight to tool_call, the third asks.
        var head = await stream.ReadUntilAsync("relay");
        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "tool_call", "relay"], head.Select(e => e.Name));
        var sessionId = head[0].Field("sessionId")!;
        var runId = head[1].Field("runId");
        var agentId = head[1].Field("agentId");
        Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{runId}}/c1","name":"echo","input":{"text":"hi there"},"agentId":"{{agentId}}"}""", head[3].Data);
        Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{runId}}/c2","name":"data","input":{"value":42},"agentId":"{{agentId}}"}""", head[4].Data);
        var relayId = head[5].Field("id")!;
        Assert.Equal($$"""{"type":"relay","kind":"permission","runId":"{{runId}}","id":"{{relayId}}","toolCallId":"{{runId}}/c3","tool":"echo","params":{"text":"bye"},"agentId":"{{agentId}}"}""", head[5].Data);

        await host.AnswerAsync(relayId, sessionId, """{"approved":true}""");
        var rest = await stream.ReadAllEventsAsync();
        Assert.Equal(["tool_call", "tool_result", "tool_result", "tool_result", "text", "usage", "harness_end"], rest.Select(e => e.Name));
        Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{runId}}/c3","name":"echo","input":{"text":"bye"},"agentId":"{{agentId}}"}""", rest[0].Data);
        Assert.Equal($$$"""{"type":"tool_result","runId":"{{{runId}}}","id":"{{{runId}}}/c1","name":"echo","output":{"context":"echo: hi there","result":{"text":"hi there"}},"agentId":"{{{agentId}}}"}""", rest[1].Data);
        Assert.Equal($$$"""{"type":"tool_result","runId":"{{{runId}}}","id":"{{{runId}}}/c2","name":"data","output":{"result":{"value":42}},"agentId":"{{{agentId}}}"}""", rest[2].Data);
        Assert.Equal($$$"""{"type":"tool_result","runId":"{{{runId}}}","id":"{{{runId}}}/c3","name":"echo","output":{"context":"echo: bye","result":{"text":"bye"}},"agentId":"{{{agentId}}}"}""", rest[3].Data);

        var history = host.Model.Requests.ToArray()[1].Messages;
        Assert.Equal(["c1", "c2", "c3"], history[1].ToolCalls.Select(c => c.Id));
        Assert.Equal([("c1", "echo: hi there"), ("c2", """{"result":{"value":42}}"""), ("c3", "echo: bye")], history.Skip(2).Select(m => (m.ToolCallId, m.Text)));
    }

    [Fact]
    public async Task UnknownToolsFailingToolsAndMalformedArgumentsGetErrorResultsAndTheLoopGoesOn()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(
                Call("c1", "nope", "{}"),
                Call("c2", "fail", """{"message":"disk full"}"""),
                new ToolCallRequest("c3", "echo", RawJson.EmptyObject) { InvalidArguments = "{not json" })
            .ThenText("recovered");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"fail"}]}}
            """);
        await using var _ = connection;

        // Neither the invented tool nor the malformed call is allowlisted: they get their errors without a relay.
        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "usage", "tool_result", "tool_call", "tool_result", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c1","name":"nope","output":{"error":"Unknown tool: nope"},"agentId":"{{agentId}}"}""", events[3].Data);
        Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{runId}}/c2","name":"fail","input":{"message":"disk full"},"agentId":"{{agentId}}"}""", events[4].Data);
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c3","name":"echo","output":{"error":"Arguments of echo are not a JSON object: {not json"},"agentId":"{{agentId}}"}""", events[5].Data);
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c2","name":"fail","output":{"error":"disk full"},"agentId":"{{agentId}}"}""", events[6].Data);
        Assert.Equal("recovered", events[7].Field("content"));
        Assert.Equal($$"""{"type":"harness_end","runId":"{{runId}}","agentId":"{{agentId}}"}""", events[9].Data);

        // Every call has its tool message, in model order, so the model can recover.
        var history = host.Model.Requests.ToArray()[1].Messages;
        Assert.Equal(
            [("c1", """{"error":"Unknown tool: nope"}"""), ("c2", """{"error":"disk full"}"""), ("c3", """{"error":"Arguments of echo are not a JSON object: {not json"}""")],
            history.Skip(2).Select(m => (m.ToolCallId, m.Text)));
    }

    [Fact]
    public async Task AToolThatThrowsGetsAnErrorResultAndTheLoopGoesOn()
    {
        // SPEC §6 [Gateway]: "a tool that throws ... → a tool_result with {"error":"…"} and the loop continues".
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "crash", "{}"))
            .ThenText("recovered");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"crash"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.True(events.Count == 8, string.Join(" | ", events));
        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        var output = events[4].Json.GetProperty("output");
        var error = Assert.Single(output.EnumerateObject());
        Assert.Equal(("error", JsonValueKind.String), (error.Name, error.Value.ValueKind));
        Assert.Equal("recovered", events[5].Field("content"));
    }
}
