using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Chat;

/// <summary>The request's deny and allowOnce rules (SPEC §6): decided in the order deny, allow, relay.</summary>
public sealed class PermissionRuleTests
{
    [Fact]
    public async Task DenyByRawToolCallIdBeatsTheAllowlistAndSendsNoRelay()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"one"}"""), Call("c2", "echo", """{"text":"two"}"""), Call("c3", "echo", """{"text":"three"}"""))
            .ThenText("ok");
        var tools = new TestToolRegistry();
        await using var host = await ChatTestHost.StartAsync(model, tools);
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],
             "permissions":{"allowlist":[{"tool":"echo"}],"deny":[{"toolCallId":"c1"},{"toolCallId":"c3","reason":"third strike"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "usage", "tool_result", "tool_call", "tool_result", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c1","name":"echo","output":{"status":"denied"},"agentId":"{{agentId}}"}""", events[3].Data);
        Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{runId}}/c2","name":"echo","input":{"text":"two"},"agentId":"{{agentId}}"}""", events[4].Data);
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c3","name":"echo","output":{"status":"denied","reason":"third strike"},"agentId":"{{agentId}}"}""", events[5].Data);
        Assert.Equal($$$"""{"type":"tool_result","runId":"{{{runId}}}","id":"{{{runId}}}/c2","name":"echo","output":{"context":"echo: two","result":{"text":"two"}},"agentId":"{{{agentId}}}"}""", events[6].Data);
        Assert.Equal(["""echo {"text":"two"}"""], tools.Invocations);

        var history = host.Model.Requests.ToArray()[1].Messages;
        Assert.Equal(
            [("c1", """{"status":"denied"}"""), ("c2", "echo: two"), ("c3", """{"status":"denied","reason":"third strike"}""")],
            history.Skip(2).Select(m => (m.ToolCallId, m.Text)));
    }

    [Fact]
    public async Task ADenyRuleWithAReasonRefusesMatchingCallsOnlyAndBeatsTheAllowlist()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"rm -rf /"}"""), Call("c2", "echo", """{"text":"ls"}"""))
            .ThenText("ok");
        var tools = new TestToolRegistry();
        await using var host = await ChatTestHost.StartAsync(model, tools);
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],
             "permissions":{"allowlist":[{"tool":"echo"}],"deny":[{"tool":"echo","params":{"text":"rm *"},"reason":"destructive"}]}}
            """);
        await using var _ = connection;

        var events = await stream.ReadAllEventsAsync();
        Assert.Equal(["connected", "harness_start", "usage", "tool_result", "tool_call", "tool_result", "text", "usage", "harness_end"], events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        Assert.Equal($$"""{"type":"tool_result","runId":"{{runId}}","id":"{{runId}}/c1","name":"echo","output":{"status":"denied","reason":"destructive"},"agentId":"{{agentId}}"}""", events[3].Data);
        Assert.Equal($$"""{"type":"tool_call","runId":"{{runId}}","id":"{{runId}}/c2","name":"echo","input":{"text":"ls"},"agentId":"{{agentId}}"}""", events[4].Data);
        Assert.Equal(["""echo {"text":"ls"}"""], tools.Invocations);
    }

    [Fact]
    public async Task AllowOnceIsConsumedByItsFirstMatchAndTheNextMatchingCallAsks()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"first"}"""), Call("c2", "echo", """{"text":"second"}"""))
            .ThenText("ok");
        var tools = new TestToolRegistry();
        await using var host = await ChatTestHost.StartAsync(model, tools);
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowOnce":[{"tool":"echo"}]}}
            """);
        await using var _ = connection;

        var head = await stream.ReadUntilAsync("relay");
        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "relay"], head.Select(e => e.Name));
        var runId = head[1].Field("runId");
        Assert.Equal($"{runId}/c1", head[3].Field("id"));
        Assert.Equal($"{runId}/c2", head[4].Field("toolCallId"));

        await host.AnswerAsync(head[4].Field("id")!, head[0].Field("sessionId")!, """{"approved":false,"reason":"once was enough"}""");
        var rest = await stream.ReadAllEventsAsync();
        Assert.Equal(["tool_result", "tool_result", "text", "usage", "harness_end"], rest.Select(e => e.Name));
        // The refusal is reported when decided (SPEC §5 order); the approved call's result after it ran.
        Assert.Equal(($"{runId}/c2", """{"status":"denied","reason":"once was enough"}"""), (rest[0].Field("id"), rest[0].Json.GetProperty("output").GetRawText()));
        Assert.Equal(($"{runId}/c1", """{"context":"echo: first","result":{"text":"first"}}"""), (rest[1].Field("id"), rest[1].Json.GetProperty("output").GetRawText()));
        Assert.Equal(["""echo {"text":"first"}"""], tools.Invocations);
    }

    [Fact]
    public async Task GlobsCrossSlashesButNotIntoHiddenSegments()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"src/a/b.txt"}"""), Call("c2", "echo", """{"text":"src/.env"}"""))
            .ThenText("ok");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""
            {"model":"test-model","messages":[{"role":"user","content":"go"}],"permissions":{"allowlist":[{"tool":"echo","params":{"text":"src/*"}}]}}
            """);
        await using var _ = connection;

        var head = await stream.ReadUntilAsync("relay");
        Assert.Equal(["connected", "harness_start", "usage", "tool_call", "relay"], head.Select(e => e.Name));
        var runId = head[1].Field("runId");
        Assert.Equal($"{runId}/c1", head[3].Field("id"));
        Assert.Equal($"{runId}/c2", head[4].Field("toolCallId"));
        await host.AnswerAsync(head[4].Field("id")!, head[0].Field("sessionId")!, """{"approved":false}""");
        Assert.Equal(["tool_result", "tool_result", "text", "usage", "harness_end"], (await stream.ReadAllEventsAsync()).Select(e => e.Name));
    }
}
