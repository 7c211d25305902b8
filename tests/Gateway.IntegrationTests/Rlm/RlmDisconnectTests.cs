using Gateway.IntegrationTests.Infrastructure;
using Gateway.Repl;
using Gateway.Server.Agents;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Rlm.RlmScript;

namespace Gateway.IntegrationTests.Rlm;

/// <summary>
/// SPEC §6 [Gateway] in RLM mode: a client that leaves while the REPL waits in llm_query or runs a loop ends everything
/// its session started (the model call, the REPL turn) and the session is removed, within 1 s.
/// </summary>
[Collection(SpecTimingCollection.Name)]
public sealed class RlmDisconnectTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task DisconnectingWhileTheReplWaitsForLlmQueryCancelsTheCallAndRemovesTheSession()
    {
        // maxDepth 0: the query is one flat model call, which hangs.
        var model = new ScriptedModelProvider().ThenText(Js("const a = await llm_query('q');\nFINAL(a)")).ThenHang(null);
        await using var host = await ChatTestHost.StartAsync(model);
        var (connection, stream) = await host.OpenChatAsync(Request("go", ""","maxDepth":0"""));
        var head = await stream.ReadUntilAsync("repl_progress");
        Assert.Equal("[llm_query] prompt=1 context=0 depth=0\n", head[^1].Field("chunk"));
        await WithinAsync(Patience, () => host.Model.Requests.Count == 2, "the flat call reaches the model");

        await host.DisconnectWithinAsync(connection, Limit, host.Model.Cancelled);
    }

    [Fact]
    public async Task DisconnectingWhileAChildRunWaitsForItsModelCancelsTheCallAndRemovesTheSession()
    {
        var model = new ScriptedModelProvider().ThenText(Js("const a = await llm_query('q', 'data');\nFINAL(a)")).ThenHang("thinking...");
        await using var host = await ChatTestHost.StartAsync(model);
        var (connection, stream) = await host.OpenChatAsync(Request("go"));
        await stream.ReadUntilAsync("text");
        var child = await stream.ReadUntilAsync("text");
        Assert.Equal(("1", "thinking..."), (child.Single(e => e.Name == "harness_start").Field("depth"), child[^1].Field("content")));

        await host.DisconnectWithinAsync(connection, Limit, host.Model.Cancelled);
    }

    [Fact]
    public async Task DisconnectingWhileAJavaScriptLoopRunsStopsTheTurnAndRemovesTheSession()
    {
        var model = new ScriptedModelProvider().ThenText(Js("print('looping');\nwhile (true) {}")).ThenText("never");
        // Limits far beyond the test: only the session's end can stop the loop.
        var agents = new AgentOptions { ReplLimits = ReplLimits.Default with { TurnTime = TimeSpan.FromHours(1), MaxStatements = 1_000_000_000 } };
        await using var host = await ChatTestHost.StartAsync(model, agents: agents);
        var (connection, stream) = await host.OpenChatAsync(Request("go"));
        await stream.ReadUntilAsync("repl_progress");

        // The orchestrator returns only after the run, which awaits its REPL turn: the loop has stopped.
        await host.DisconnectWithinAsync(connection, Limit);
        Assert.Single(host.Model.Requests);
    }
}
