using Gateway.IntegrationTests.Infrastructure;
using Gateway.Repl;
using Gateway.Server.Agents;
using static Gateway.IntegrationTests.Rlm.RlmScript;

namespace Gateway.IntegrationTests.Rlm;

/// <summary>What bounds an RLM run (SPEC §8, issue 17): output fed back, live progress, turns, and the REPL's limits.</summary>
public sealed class RlmLimitTests
{
    [Fact]
    public async Task OutputOverFourThousandCharactersIsCutAndMarkedTruncated()
    {
        var model = new ScriptedModelProvider().ThenText(Js("print('x'.repeat(5000))")).ThenText(Js("FINAL('ok')"));
        await using var host = await ChatTestHost.StartAsync(model);

        var events = await host.ReadSessionAsync(Request("go"));

        var cut = new string('x', 4000) + "\n...[truncated]";
        var output = events.First(e => e.Name == "repl_output");
        var (runId, agentId, inputId) = (output.Field("runId"), output.Field("agentId"), output.Field("id"));
        Assert.Equal(
            $$"""{"type":"repl_output","runId":"{{runId}}","id":"{{inputId}}","stdout":"{{Escaped(cut)}}","done":false,"iteration":0,"durationMs":{{output.Field("durationMs")}},"truncated":true,"agentId":"{{agentId}}"}""",
            output.Data);
        // Live progress is not cut at 4,000: the client saw the whole line.
        Assert.Equal(new string('x', 5000) + "\n", string.Concat(events.Where(e => e.Name == "repl_progress").Select(e => e.Field("chunk"))));
        Assert.Equal($"<harness:repl_output>\n<stdout>\n{cut}\n</stdout>\n</harness:repl_output>", host.Model.Requests.ToArray()[1].Messages[^1].Text);
    }

    [Fact]
    public async Task LiveProgressStopsAt64KiBWithOneNote()
    {
        var model = new ScriptedModelProvider().ThenText(Js("for (let i = 0; i < 100; i++) print('y'.repeat(1000));\nFINAL('ok')"));
        await using var host = await ChatTestHost.StartAsync(model);

        var events = await host.ReadSessionAsync(Request("go"));

        var progress = events.Where(e => e.Name == "repl_progress").ToArray();
        // 65 lines of 1,001 bytes fit in 65,536; the 66th does not.
        Assert.Equal(string.Concat(Enumerable.Repeat(new string('y', 1000) + "\n", 65)), string.Concat(progress.Where(e => e.Field("stream") == "stdout").Select(e => e.Field("chunk"))));
        Assert.Equal("[repl_progress truncated]\n", Assert.Single(progress, e => e.Field("stream") == "stderr").Field("chunk"));
        Assert.True(progress.Length <= 10, $"{progress.Length} progress events");
        Assert.Equal("true", events.First(e => e.Name == "repl_output").Field("done")?.ToLowerInvariant());
    }

    [Fact]
    public async Task AfterMaxIterationsTurnsTheRunEndsWithoutAnAnswer()
    {
        var model = new ScriptedModelProvider().ThenText(Js("print(1)")).ThenText(Js("print(2)")).ThenText(Js("print(3)"));
        await using var host = await ChatTestHost.StartAsync(model);

        var events = await host.ReadSessionAsync(Request("go", ""","maxIterations":3"""));

        Assert.Equal(3, events.Count(e => e.Name == "repl_output"));
        Assert.Equal(3, events.Count(e => e.Name == "text"));
        Assert.Equal("3", events[1].Field("maxIterations"));
        var (runId, agentId) = (events[1].Field("runId"), events[1].Field("agentId"));
        Assert.Equal(
            $$$"""{"type":"harness_end","runId":"{{{runId}}}","agentId":"{{{agentId}}}","reason":"max_iterations","iterations":3,"totalUsage":{"inputTokens":30,"outputTokens":3}}""",
            events[^1].Data);
        Assert.Equal(3, host.Model.Requests.Count);
    }

    [Fact]
    public async Task ARunawayLoopIsStoppedByTheStatementLimitAndTheNextTurnWorks()
    {
        var model = new ScriptedModelProvider()
            .ThenText(Js("let k = 0;\nwhile (true) { k++ }"))
            .ThenText(Js("print('k is', k > 0);\nFINAL('recovered')"));
        var agents = new AgentOptions { ReplLimits = ReplLimits.Default with { MaxStatements = 10_000 } };
        await using var host = await ChatTestHost.StartAsync(model, agents: agents);

        var events = await host.ReadSessionAsync(Request("go"));

        var outputs = events.Where(e => e.Name == "repl_output").ToArray();
        Assert.Equal("Statement limit exceeded: the code ran more than 10000 statements", outputs[0].Field("error"));
        Assert.Equal(("k is true", "True"), (outputs[1].Field("stdout"), outputs[1].Field("done")));
        Assert.Equal("recovered", events[^2].Field("content"));
        Assert.EndsWith("<error>Statement limit exceeded: the code ran more than 10000 statements</error>\n</harness:repl_output>", host.Model.Requests.ToArray()[1].Messages[^1].Text);
    }
}
