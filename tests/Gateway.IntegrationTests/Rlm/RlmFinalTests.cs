using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;
using static Gateway.IntegrationTests.Rlm.RlmScript;

namespace Gateway.IntegrationTests.Rlm;

/// <summary>RLM mode end to end (SPEC §8): a turn that computes over <c>context</c> and ends with FINAL or FINAL_VAR.</summary>
public sealed class RlmFinalTests
{
    [Fact]
    public async Task ATurnOverTheContextThatCallsFinalStreamsTheEventsOfSpecSection8()
    {
        const string code = "const n = context.split(',').length;\nprint('parts', n);\nFINAL(n + ' parts')";
        const string answer = "Counting.\n```js\n" + code + "\n```";
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText(answer));

        var events = await host.ReadSessionAsync(Request("How many parts?", ""","context":"a,b,c" """));

        Assert.Equal(
            ["connected", "harness_start", "text", "usage", "repl_input", "repl_progress", "repl_output", "text", "harness_end"],
            events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        var inputId = events[4].Field("id");
        Assert.Equal($$"""{"type":"harness_start","runId":"{{runId}}","agentId":"{{agentId}}","maxIterations":100}""", events[1].Data);
        // D1: the model call's events carry the RLM run's own id, and no parentId at the root.
        Assert.Equal($$"""{"type":"text","runId":"{{runId}}","id":"{{events[2].Field("id")}}","content":"{{Escaped(answer)}}","agentId":"{{agentId}}"}""", events[2].Data);
        Assert.Equal($$"""{"type":"usage","runId":"{{runId}}","inputTokens":10,"outputTokens":1,"agentId":"{{agentId}}"}""", events[3].Data);
        Assert.Equal($$"""{"type":"repl_input","runId":"{{runId}}","id":"{{inputId}}","code":"{{Escaped(code)}}","iteration":0,"agentId":"{{agentId}}"}""", events[4].Data);
        Assert.Equal($$"""{"type":"repl_progress","runId":"{{runId}}","id":"{{inputId}}","chunk":"parts 3\n","stream":"stdout","agentId":"{{agentId}}"}""", events[5].Data);
        Assert.Equal(
            $$"""{"type":"repl_output","runId":"{{runId}}","id":"{{inputId}}","stdout":"parts 3","done":true,"iteration":0,"durationMs":{{events[6].Field("durationMs")}},"agentId":"{{agentId}}"}""",
            events[6].Data);
        var answerId = events[7].Field("id");
        Assert.Equal($$"""{"type":"text","runId":"{{runId}}","id":"{{answerId}}","content":"3 parts","agentId":"{{agentId}}"}""", events[7].Data);
        Assert.Equal(
            $$$"""{"type":"harness_end","runId":"{{{runId}}}","agentId":"{{{agentId}}}","reason":"final","iterations":1,"totalUsage":{"inputTokens":10,"outputTokens":1}}""",
            events[8].Data);
        Assert.All([runId, agentId, inputId, answerId], id => Assert.Equal(7, Guid.Parse(id!).Version));

        // The model is offered no tools and sees the RLM system prompt, which describes the context but does not hold it.
        var request = Assert.Single(host.Model.Requests);
        Assert.Empty(request.Tools);
        Assert.Equal([ChatRole.System, ChatRole.User], request.Messages.Select(m => m.Role));
        Assert.Contains("a string of 5 characters", request.Messages[0].Text);
        Assert.Contains("""(as JSON): "a,b,c" """.TrimEnd(), request.Messages[0].Text);
        Assert.Equal("How many parts?", request.Messages[1].Text);
    }

    [Fact]
    public async Task ReasoningCarriesTheRunsIdsAndItsItemStaysInTheHistory()
    {
        var thought = new ReasoningItem(ReasoningSource.AnthropicThinking, "Count them.", Signature: "c2ln");
        var model = new ScriptedModelProvider()
            .Then(ProviderEvent.ReasoningDelta("Count them."), ProviderEvent.ReasoningCaptured(thought), ProviderEvent.TextDelta(Js("print(2)")), ProviderEvent.UsageReported(new TokenUsage(7, 3)))
            .ThenText(Js("FINAL('2')"));
        await using var host = await ChatTestHost.StartAsync(model);

        var events = await host.ReadSessionAsync(Request("go"));

        var (runId, agentId) = (events[1].Field("runId"), events[1].Field("agentId"));
        Assert.Equal("reasoning", events[2].Name);
        Assert.Equal($$"""{"type":"reasoning","runId":"{{runId}}","id":"{{events[2].Field("id")}}","content":"Count them.","agentId":"{{agentId}}"}""", events[2].Data);
        var answer = host.Model.Requests.ToArray()[1].Messages[2];
        Assert.Equal((ChatRole.Assistant, Js("print(2)")), (answer.Role, answer.Text));
        Assert.Equal(thought, Assert.Single(answer.Reasoning));
    }

    [Fact]
    public async Task TheSystemPromptShowsTheContextsLengthAndFirst200CharactersAsJsonWithoutCuttingACharacter()
    {
        // 199 characters, then an emoji whose two UTF-16 units straddle the 200th: the prefix stops before it.
        var head = "say \"hi\"\n" + new string('a', 190);
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenText(Js("FINAL(context.length)")));

        var events = await host.ReadSessionAsync(Request("go", $$""","context":"{{Escaped(head)}}😀tail" """));

        Assert.Equal("205", events[^2].Field("content"));
        var prompt = Assert.Single(host.Model.Requests).Messages[0].Text;
        Assert.Contains("`context`: a string of 205 characters.", prompt);
        Assert.Contains($"Its first 200 characters (as JSON): \"{Escaped(head)}\"\n", prompt);
    }

    [Fact]
    public async Task EachTurnsOutputIsFedBackAndFinalVarAnswersWithAVariable()
    {
        const string print = "print('hello');\nconsole.log('world')";
        const string fail = "undefinedVar + 1";
        const string quiet = "const answer = 'x'.repeat(3)";
        var model = new ScriptedModelProvider()
            .ThenText(Js(print))
            .ThenText(Js(fail))
            .ThenText(Js(quiet))
            .ThenText(Js("FINAL_VAR('answer')"));
        await using var host = await ChatTestHost.StartAsync(model);

        var events = await host.ReadSessionAsync(Request("go"));

        Assert.Equal("", events[1].Field("parentId") ?? "");
        var outputs = events.Where(e => e.Name == "repl_output").ToArray();
        Assert.Equal(["0", "1", "2", "3"], outputs.Select(e => e.Field("iteration")));
        Assert.Equal("ReferenceError: undefinedVar is not defined", outputs[1].Field("error"));
        Assert.Equal(["false", "false", "false", "true"], outputs.Select(e => e.Field("done")?.ToLowerInvariant()));
        Assert.Equal("xxx", events[^2].Field("content"));
        Assert.Equal("""{"inputTokens":40,"outputTokens":4}""", events[^1].Json.GetProperty("totalUsage").GetRawText());
        Assert.Equal("4", events[^1].Field("iterations"));

        // The history the model sees: its answer, then the REPL's output as the origin words it, byte for byte.
        var requests = host.Model.Requests.ToArray();
        Assert.Equal(4, requests.Length);
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User], requests[1].Messages.Select(m => m.Role));
        Assert.Equal(Js(print), requests[1].Messages[2].Text);
        Assert.Equal("<harness:repl_output>\n<stdout>\nhello\nworld\n</stdout>\n</harness:repl_output>", requests[1].Messages[3].Text);
        Assert.Equal("<harness:repl_output>\n<error>ReferenceError: undefinedVar is not defined</error>\n</harness:repl_output>", requests[2].Messages[^1].Text);
        Assert.Equal("<harness:repl_output>\n(no output)\n</harness:repl_output>", requests[3].Messages[^1].Text);
        Assert.Equal(8, requests[3].Messages.Count);
    }
}
