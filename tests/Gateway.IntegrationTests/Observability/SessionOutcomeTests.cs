using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;

namespace Gateway.IntegrationTests.Observability;

/// <summary>Issue 13, "Logs": a session's line names how it ended: error, disconnected, max_iterations (completed: <see cref="RequestAndSessionLineTests"/>).</summary>
public sealed class SessionOutcomeTests
{
    [Fact]
    public async Task AFailedModelCallEndsTheSessionInError()
    {
        var model = new ScriptedModelProvider().Then(ProviderEvent.Failed("upstream broke"));
        var line = await SessionLineAsync(model, """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""", readAll: true);
        Assert.Contains(" outcome=error", line, StringComparison.Ordinal);
        Assert.Contains(" turns=1 tool_calls=0 ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientThatLeavesEndsTheSessionDisconnected()
    {
        var model = new ScriptedModelProvider().ThenHang("Hel");
        var line = await SessionLineAsync(model, """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""", readAll: false);
        Assert.Contains(" outcome=disconnected", line, StringComparison.Ordinal);
        Assert.Matches(" ttft_ms=[0-9.]+ ", line);
    }

    [Fact]
    public async Task ALoopStoppedByMaxIterationsSaysSo()
    {
        var model = new ScriptedModelProvider().ThenCalls(Call("c1", "echo", """{"text":"a"}""")).ThenText("Summary.");
        var line = await SessionLineAsync(
            model, """{"model":"test-model","messages":[{"role":"user","content":"loop"}],"maxIterations":1,"permissions":{"allowlist":[{"tool":"echo"}]}}""", readAll: true);
        Assert.Contains(" turns=2 tool_calls=1 ", line, StringComparison.Ordinal);
        Assert.Contains(" outcome=max_iterations", line, StringComparison.Ordinal);
    }

    /// <summary>Runs one session (read to its end, or left after its first text) and returns its log line.</summary>
    private static async Task<string> SessionLineAsync(ScriptedModelProvider model, string request, bool readAll)
    {
        var output = new LineWriter();
        await using var log = new GatewayLog(LogLevel.Info, output);
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry(), log: log);
        var (connection, events) = await host.OpenChatAsync(request);
        await using (connection)
        {
            var sessionId = (await events.ReadUntilAsync("connected"))[^1].Field("sessionId")!;
            if (readAll)
            {
                await events.ReadAllEventsAsync();
            }
            else
            {
                await events.ReadUntilAsync("text");
            }
            await connection.DisposeAsync();
            return await output.LineAsync(l => l.Contains(" session session_id=" + sessionId, StringComparison.Ordinal));
        }
    }
}
