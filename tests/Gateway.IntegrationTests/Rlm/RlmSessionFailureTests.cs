using System.Security.Cryptography;
using System.Text;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Primitives;
using static Gateway.IntegrationTests.Rlm.RlmScript;

namespace Gateway.IntegrationTests.Rlm;

/// <summary>SPEC §5 in RLM mode: a session that fails as a whole ends every open run with harness_end, innermost first.</summary>
public sealed class RlmSessionFailureTests
{
    [Fact]
    public async Task AKeysTokensSpentInAChildRunEndTheSessionAndBothRunsInnermostFirst()
    {
        // Each call reports 10 + 1 tokens: the root's first call leaves 9 of 20, the child's spends them, and the child
        // would go on (no FINAL), so the session ends there instead of in the root's next turn.
        var model = new ScriptedModelProvider()
            .ThenText(Js("const r = await llm_query('q', 'data')"))
            .ThenText(Js("print(1)"))
            .ThenText("never");
        const string secret = "rlm-secret";
        ClientKey[] keys = [new("team", SHA256.HashData(Encoding.UTF8.GetBytes(secret))) { TokensPerDay = 20 }];
        await using var host = await ChatTestHost.StartAsync(model, keys: keys);
        await using var connection = await host.PostAsync("/chat", Request("go"), $"Authorization: Bearer {secret}\r\n");
        Assert.Equal(200, (await connection.ReadResponseAsync(headRequest: true)).StatusCode);
        var stream = new EventStreamReader(connection);

        var events = await stream.ReadAllEventsAsync();

        var (rootId, childId) = (events[1].Field("runId"), events.Where(e => e.Name == "harness_start").Last().Field("runId"));
        Assert.Equal(["repl_output", "error", "harness_end", "harness_end"], events.TakeLast(4).Select(e => e.Name));
        Assert.Equal(childId, events[^4].Field("runId"));
        Assert.Equal(
            """{"type":"error","message":"Token budget spent: this key has used its tokens for the day (UTC); the session ends here"}""",
            events[^3].Data);
        Assert.Equal((childId, "error"), (events[^2].Field("runId"), events[^2].Field("reason")));
        Assert.Equal((rootId, "error"), (events[^1].Field("runId"), events[^1].Field("reason")));
        Assert.Equal(2, host.Model.Requests.Count);
        Assert.True(stream.Ended);
    }
}
