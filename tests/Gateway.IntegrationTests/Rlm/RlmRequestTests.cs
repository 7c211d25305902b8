using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Rlm.RlmScript;

namespace Gateway.IntegrationTests.Rlm;

/// <summary>SPEC §3's RLM fields: <c>context</c> and <c>execCwd</c> must be strings; toolChoice means nothing there; only <c>"rlm"</c> is RLM mode.</summary>
public sealed class RlmRequestTests
{
    [Theory]
    [InlineData(""","context":["a"]""", "context must be a string")]
    [InlineData(""","context":5""", "context must be a string")]
    [InlineData(""","execCwd":true""", "execCwd must be a string")]
    [InlineData(""","maxIterations":-1""", "maxIterations must be a non-negative integer")]
    public async Task AnRlmFieldOfTheWrongTypeIsRefusedBeforeStreaming(string fields, string error)
    {
        await using var host = await ChatTestHost.StartAsync();
        var response = await host.PostForResponseAsync("/chat", Request("go", fields));

        Assert.Equal((400, $$"""{"error":"{{error}}"}"""), (response.StatusCode, response.Body));
        Assert.Empty(host.Model.Requests);
    }

    [Fact]
    public async Task ToolChoiceIsIgnoredInRlmModeAndAnyOtherModeIsAgentMode()
    {
        var model = new ScriptedModelProvider().ThenText(Js("FINAL('ok')")).ThenText("agent answer");
        await using var host = await ChatTestHost.StartAsync(model);

        var rlm = await host.ReadSessionAsync(Request("go", ""","toolChoice":"no-such-tool","context":null"""));
        Assert.Equal("final", rlm[^1].Field("reason"));

        // An agent session ignores RLM fields, whatever their type (SPEC §3: anything but "rlm" is agent mode).
        var agent = await host.ReadSessionAsync("""{"model":"test-model","mode":"RLM","context":5,"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(["connected", "harness_start", "text", "usage", "harness_end"], agent.Select(e => e.Name));
        Assert.Null(agent[1].Field("maxIterations"));
    }
}
