using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using static Gateway.IntegrationTests.Rlm.RlmScript;

namespace Gateway.IntegrationTests.Rlm;

/// <summary><c>llm_query</c> (SPEC §8): a child RLM run while levels are left (its events on the wire under the parent's turn, D7), else one flat call.</summary>
public sealed class RlmLlmQueryTests
{
    [Fact]
    public async Task ALlmQueryRunsAChildWhoseOwnQueryIsAFlatCallAtTheDepthLimit()
    {
        var model = new ScriptedModelProvider()
            .ThenText(Js("const r = await llm_query('Summarise', 'child data');\nFINAL('got ' + r)"))
            .ThenText(Js("const s = await llm_query('flat q', context);\nFINAL('child:' + s)"))
            .ThenText("flat answer");
        await using var host = await ChatTestHost.StartAsync(model);

        var events = await host.ReadSessionAsync(Request("go", ""","maxDepth":1"""));

        Assert.Equal(
            [
                "connected", "harness_start", "text", "usage", "repl_input", "repl_progress",
                "harness_start", "text", "usage", "repl_input", "repl_progress", "usage", "repl_progress", "repl_output", "text", "harness_end",
                "repl_progress", "repl_output", "text", "harness_end",
            ],
            events.Select(e => e.Name));
        var (runId, agentId, inputId) = (events[1].Field("runId"), events[1].Field("agentId"), events[4].Field("id"));
        var (childId, childInputId) = (events[6].Field("runId"), events[9].Field("id"));
        Assert.NotEqual(runId, childId);
        Assert.Equal(
            $$"""{"type":"repl_progress","runId":"{{runId}}","id":"{{inputId}}","chunk":"[llm_query] prompt=9 context=10 depth=1\n","stream":"stderr","agentId":"{{agentId}}"}""",
            events[5].Data);

        // D7, D14: the child's events are whole, with its own runId, the parent's turn as parentId and the root's agentId.
        Assert.Equal(
            $$"""{"type":"harness_start","runId":"{{childId}}","agentId":"{{agentId}}","parentId":"{{inputId}}","depth":1,"maxIterations":100}""",
            events[6].Data);
        Assert.All(events[6..16], e => Assert.Equal((childId, inputId, agentId), (e.Field("runId"), e.Field("parentId"), e.Field("agentId"))));
        Assert.Equal(
            $$"""{"type":"repl_progress","runId":"{{childId}}","id":"{{childInputId}}","parentId":"{{inputId}}","chunk":"[llm_query] prompt=6 context=10 depth=0\n","stream":"stderr","agentId":"{{agentId}}"}""",
            events[10].Data);
        // The flat call's answer goes to the script; only its usage is on the wire, tagged with the child.
        Assert.Equal(
            $$"""{"type":"usage","runId":"{{childId}}","parentId":"{{inputId}}","inputTokens":10,"outputTokens":1,"agentId":"{{agentId}}"}""",
            events[11].Data);
        Assert.Equal("[llm_query] done result=11 chars\n", events[12].Field("chunk"));
        Assert.Equal("child:flat answer", events[14].Field("content"));
        // D5: a run's totalUsage counts its own calls and its flat queries, not its children.
        Assert.Equal(
            $$$"""{"type":"harness_end","runId":"{{{childId}}}","agentId":"{{{agentId}}}","parentId":"{{{inputId}}}","reason":"final","iterations":1,"totalUsage":{"inputTokens":20,"outputTokens":2}}""",
            events[15].Data);

        Assert.Equal("[llm_query] done result=17 chars\n", events[16].Field("chunk"));
        Assert.Equal(inputId, events[17].Field("id"));
        Assert.Equal("got child:flat answer", events[18].Field("content"));
        Assert.Equal("""{"inputTokens":10,"outputTokens":1}""", events[19].Json.GetProperty("totalUsage").GetRawText());

        var requests = host.Model.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Equal([ChatRole.System, ChatRole.User], requests[1].Messages.Select(m => m.Role));
        Assert.Contains("a string of 10 characters", requests[1].Messages[0].Text);
        Assert.Equal("Summarise", requests[1].Messages[1].Text);
        Assert.Equal("flat q\n\nchild data", Assert.Single(requests[2].Messages).Text);
        Assert.All(requests, r => Assert.Empty(r.Tools));
    }

    [Fact]
    public async Task APromptOverTenThousandCharactersIsAnErrorTheScriptCanCatch()
    {
        var model = new ScriptedModelProvider().ThenText(Js("try { await llm_query('x'.repeat(10001)) } catch (e) { FINAL(e.message) }"));
        await using var host = await ChatTestHost.StartAsync(model);

        var events = await host.ReadSessionAsync(Request("go"));

        Assert.Equal(
            "llm_query prompt exceeds 10000 char limit (got 10001). Keep instructions short — pass data as the second argument (context).",
            events[^2].Field("content"));
        Assert.DoesNotContain(events, e => e.Name == "repl_progress");
        Assert.Single(host.Model.Requests);
    }

    [Fact]
    public async Task AFailedFlatCallIsAnErrorTheScriptSees()
    {
        // maxDepth 0: the root's own query is the flat call.
        var model = new ScriptedModelProvider()
            .ThenText(Js("llm_query('q')"))
            .Then(ProviderEvent.Failed("upstream down"))
            .ThenText(Js("FINAL('done')"));
        await using var host = await ChatTestHost.StartAsync(model);

        var events = await host.ReadSessionAsync(Request("go", ""","maxDepth":0"""));

        // Only the script sees the failure: no error event, and the run goes on.
        Assert.DoesNotContain(events, e => e.Name == "error");
        var output = events.First(e => e.Name == "repl_output");
        Assert.Equal("Error: llm_query failed: upstream down", output.Field("error"));
        Assert.Equal("done", events[^2].Field("content"));
    }
}
