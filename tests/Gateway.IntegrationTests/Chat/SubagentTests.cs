using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>The <c>agent {task}</c> tool: subagents with their own ids, one level deeper, sharing the session (SPEC §5, §6).</summary>
public sealed class SubagentTests
{
    [Fact]
    public async Task TheAgentToolRunsASubagentWhoseFinalTextIsTheToolsResult()
    {
        await using var host = await ChatTestHost.StartAsync(SubagentThatEchoes(), new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"agent"},{"tool":"echo"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(
            ["connected", "harness_start", "usage", "tool_call",
             "harness_start", "usage", "tool_call", "tool_result", "text", "usage", "harness_end",
             "tool_result", "text", "usage", "harness_end"],
            events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        var agentCall = $"{runId}/a1";
        Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{agentCall}}","name":"agent","input":{"task":"look around"},"agentId":"{{agentId}}"}""", events[3].Data);

        var subRunId = events[4].Field("runId")!;
        var subAgentId = events[4].Field("agentId")!;
        Assert.NotEqual(agentId, subAgentId);
        Assert.NotEqual(runId, subRunId);
        Assert.All([subRunId, subAgentId], id => Assert.Equal(7, Guid.Parse(id).Version));
        Assert.Equal($$"""{"type":"harness_start","runId":"{{subRunId}}","agentId":"{{subAgentId}}","parentId":"{{agentCall}}","depth":1}""", events[4].Data);
        var subTurn1 = events[5].Field("runId");
        Assert.Equal($$"""{"type":"usage","runId":"{{subTurn1}}","parentId":"{{subRunId}}","inputTokens":5,"outputTokens":1,"agentId":"{{subAgentId}}"}""", events[5].Data);
        Assert.Equal($$"""{"type":"tool_call","runId":"{{subRunId}}","id":"{{subRunId}}/s1","parentId":"{{agentCall}}","name":"echo","input":{"text":"inside"},"agentId":"{{subAgentId}}"}""", events[6].Data);
        Assert.Equal($$$"""{"type":"tool_result","runId":"{{{subRunId}}}","id":"{{{subRunId}}}/s1","parentId":"{{{agentCall}}}","name":"echo","output":{"context":"echo: inside","result":{"text":"inside"}},"agentId":"{{{subAgentId}}}"}""", events[7].Data);
        var subTurn2 = events[8].Field("runId");
        Assert.Equal($$"""{"type":"text","runId":"{{subTurn2}}","id":"{{events[8].Field("id")}}","parentId":"{{subRunId}}","content":"found it","agentId":"{{subAgentId}}"}""", events[8].Data);
        Assert.Equal($$"""{"type":"usage","runId":"{{subTurn2}}","parentId":"{{subRunId}}","inputTokens":10,"outputTokens":1,"agentId":"{{subAgentId}}"}""", events[9].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{subRunId}}","agentId":"{{subAgentId}}","parentId":"{{agentCall}}"}""", events[10].Data);

        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{agentCall}}","name":"agent","output":{"context":"found it","result":"found it"},"agentId":"{{agentId}}"}""", events[11].Data);
        Assert.Equal($$"""{"type":"text","runId":"{{events[12].Field("runId")}}","id":"{{events[12].Field("id")}}","parentId":"{{runId}}","content":"all done","agentId":"{{agentId}}"}""", events[12].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{runId}}","agentId":"{{agentId}}"}""", events[14].Data);

        var requests = host.Model.Requests.ToArray();
        Assert.Equal(4, requests.Length);
        var subFirst = requests[1];
        Assert.Equal("test-model", subFirst.Model);
        Assert.Equal([(ChatRole.User, "look around")], subFirst.Messages.Select(m => (m.Role, m.Text)));
        Assert.Equal(requests[0].Tools.Select(t => t.Name), subFirst.Tools.Select(t => t.Name));
        Assert.Contains("agent", subFirst.Tools.Select(t => t.Name));
        Assert.Equal(("a1", "found it"), (requests[3].Messages[^1].ToolCallId, requests[3].Messages[^1].Text));
    }

    [Fact]
    public async Task AtMaxDepthTheAgentToolIsNotOfferedToTheSubagent()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("a1", "agent", """{"task":"dig"}"""))
            .ThenCalls(Call("a2", "agent", """{"task":"dig deeper"}"""))
            .ThenText("cannot")
            .ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"maxDepth":1,"permissions":{"allowlist":[{"tool":"agent"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(
            ["connected", "harness_start", "usage", "tool_call",
             "harness_start", "usage", "tool_result", "text", "usage", "harness_end",
             "tool_result", "text", "usage", "harness_end"],
            events.Select(e => e.Name));
        var subRunId = events[4].Field("runId");
        Assert.Equal($$"""{"type":"tool_result","runId":"{{subRunId}}","id":"{{subRunId}}/a2","parentId":"{{events[1].Field("runId")}}/a1","name":"agent","output":{"error":"Unknown tool: agent"},"agentId":"{{events[4].Field("agentId")}}"}""", events[6].Data);
        Assert.Equal("""{"context":"cannot","result":"cannot"}""", events[10].Json.GetProperty("output").GetRawText());

        var requests = host.Model.Requests.ToArray();
        Assert.Contains("agent", requests[0].Tools.Select(t => t.Name));
        Assert.DoesNotContain("agent", requests[1].Tools.Select(t => t.Name));
        Assert.DoesNotContain("agent", requests[2].Tools.Select(t => t.Name));
    }

    [Fact]
    public async Task WithMaxDepthZeroTheRootIsNotOfferedAgentAndCallingItIsAnUnknownTool()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("a1", "agent", """{"task":"dig"}"""))
            .ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"maxDepth":0,"permissions":{"allowlist":[{"tool":"agent"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "usage", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/a1","name":"agent","output":{"error":"Unknown tool: agent"},"agentId":"{{events[1].Field("agentId")}}"}""", events[3].Data);
        Assert.DoesNotContain("agent", host.Model.Requests.ToArray()[0].Tools.Select(t => t.Name));
        Assert.Equal(2, host.Model.Requests.Count);
    }

    [Fact]
    public async Task AnAlwaysApprovalInASubagentAppliesToTheWholeSession()
    {
        // The subagent's relay is answered "always"; the root's later identical-prefix call then runs without a relay.
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("a1", "agent", """{"task":"t"}"""))
            .ThenCalls(Call("s1", "echo", """{"text":"make build"}"""))
            .ThenText("built")
            .ThenCalls(Call("c2", "echo", """{"text":"make test"}"""))
            .ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"agent"}]}}
            """);
        await using var _ = connection;

        var head = await stream.ReadUntilAsync("relay");
        var relay = head[^1];
        var subRunId = head[4].Field("runId");
        Assert.Equal($$"""{"type":"relay","kind":"permission","runId":"{{subRunId}}","id":"{{relay.Field("id")}}","parentId":"{{head[1].Field("runId")}}/a1","toolCallId":"{{subRunId}}/s1","tool":"echo","params":{"text":"make build"},"agentId":"{{head[4].Field("agentId")}}"}""", relay.Data);
        await host.AnswerAsync(relay.Field("id")!, head[0].Field("sessionId")!, """{"approved":true,"always":true}""");

        var rest = await stream.ReadAllEventsAsync();
        Assert.DoesNotContain("relay", rest.Select(e => e.Name));
        Assert.Equal(
            ["tool_call", "tool_result", "text", "usage", "harness_end", "tool_result", "usage", "tool_call", "tool_result", "text", "usage", "harness_end"],
            rest.Select(e => e.Name));
        Assert.Equal($"{head[1].Field("runId")}/c2", rest[7].Field("id"));
    }

    [Fact]
    public async Task ASubagentsProviderFailureIsItsOwnErrorAndTheAgentToolsErrorResult()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("a1", "agent", """{"task":"t"}"""))
            .Then(ProviderEvent.Failed("upstream 503"))
            .ThenText("recovered");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"agent"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(
            ["connected", "harness_start", "usage", "tool_call", "harness_start", "error", "harness_end", "tool_result", "text", "usage", "harness_end"],
            events.Select(e => e.Name));
        var agentCall = $"{events[1].Field("runId")}/a1";
        var (subRunId, subAgentId) = (events[4].Field("runId"), events[4].Field("agentId"));
        var callRunId = events[5].Field("runId")!;
        Assert.Equal((7, false), (Guid.Parse(callRunId).Version, callRunId == subRunId));
        Assert.Equal($$"""{"type":"error","runId":"{{callRunId}}","agentId":"{{subAgentId}}","parentId":"{{subRunId}}","message":"upstream 503"}""", events[5].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{subRunId}}","agentId":"{{subAgentId}}","parentId":"{{agentCall}}","reason":"error"}""", events[6].Data);
        var output = events[7].Json.GetProperty("output");
        Assert.Equal("error", Assert.Single(output.EnumerateObject()).Name);
        Assert.Contains("upstream 503", output.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionThatFailsInsideASubagentEndsEveryOpenRunInnermostFirst()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("a1", "agent", """{"task":"dig"}"""))
            .Then((_, _) => throw new InvalidOperationException("the provider broke"));
        await using var host = await ChatTestHost.StartAsync(model);
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"agent"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();

        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "harness_start", "error", "harness_end", "harness_end"], events.Select(e => e.Name));
        var (root, sub) = (events[1], events[4]);
        Assert.Equal("""{"type":"error","message":"Internal error: the provider broke"}""", events[5].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{sub.Field("runId")}}","agentId":"{{sub.Field("agentId")}}","parentId":"{{root.Field("runId")}}/a1","reason":"error"}""", events[6].Data);
        Assert.Equal($$"""{"type":"harness_end","runId":"{{root.Field("runId")}}","agentId":"{{root.Field("agentId")}}","reason":"error"}""", events[7].Data);
    }
}
