using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Rlm.RlmScript;

namespace Gateway.IntegrationTests.Rlm;

/// <summary>An answer that is not exactly one js block with nothing after it is refused and the turn retried (issue 17, the origin's messages).</summary>
public sealed class RlmRetryTests
{
    public static TheoryData<string, string> Malformed => new()
    {
        { "```js\nprint(1)\n```\n```js\nprint(2)\n```", "Found 2 code blocks. Respond with exactly one ```js block per turn." },
        { "```js\nprint(1)\n```\nThat prints 1.", "Text found after closing code fence. Do not write anything after the closing ```. All reasoning must come before the code block." },
        { "```python\nprint(1)\n```", "No code block found. Respond with exactly one ```js block." },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task AMalformedAnswerIsOneErrorEventAndTheModelIsToldWhatToFix(string answer, string message)
    {
        var model = new ScriptedModelProvider().ThenText(answer).ThenText("Now properly:\n" + Js("FINAL('ok')") + "\n");
        await using var host = await ChatTestHost.StartAsync(model);

        var events = await host.ReadSessionAsync(Request("go"));

        Assert.Equal(
            ["connected", "harness_start", "text", "usage", "error", "text", "usage", "repl_input", "repl_output", "text", "harness_end"],
            events.Select(e => e.Name));
        var runId = events[1].Field("runId");
        var agentId = events[1].Field("agentId");
        Assert.Equal($$"""{"type":"error","runId":"{{runId}}","agentId":"{{agentId}}","message":"{{Escaped(message)}}"}""", events[4].Data);
        // The refused answer counts as an iteration; the REPL's turn is the loop's second.
        Assert.Equal("1", events[7].Field("iteration"));
        Assert.Equal("ok", events[9].Field("content"));
        Assert.Equal("2", events[10].Field("iterations"));

        var retry = host.Model.Requests.ToArray()[1];
        Assert.Equal(answer, retry.Messages[^2].Text);
        Assert.Equal($"<harness:error>{message}</harness:error>", retry.Messages[^1].Text);
    }
}
