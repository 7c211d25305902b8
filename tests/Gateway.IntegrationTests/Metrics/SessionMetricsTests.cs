using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Providers;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Metrics.Exposition;

namespace Gateway.IntegrationTests.Metrics;

/// <summary>How sessions, relays, tool calls and model calls ended, each counted under its own label.</summary>
public sealed class SessionMetricsTests
{
    private const string Go = """{"model":"test-model","messages":[{"role":"user","content":"go"}]}""";

    [Fact]
    public async Task AFailedModelCallIsAnErrorSessionAndA502Call()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().Then(ProviderEvent.Failed("upstream down")));
        var (connection, stream) = await host.OpenChatAsync(Go);
        await using (connection)
        {
            Assert.Contains("error", (await stream.ReadAllEventsAsync()).Select(e => e.Name));
        }

        var body = (await host.Host.GetAsync("/metrics")).Body;
        Assert.Equal(1, Value(body, "gateway_sessions_total{outcome=\"error\"}"));
        Assert.Equal(1, Value(body, "gateway_upstream_requests_total{provider=\"scripted\",model=\"test-model\",status=\"502\"}"));
        Assert.Equal(0, Value(body, "gateway_upstream_time_to_first_token_seconds_count{provider=\"scripted\",model=\"test-model\"}"));
    }

    [Fact]
    public async Task AClientThatLeavesMidTurnIsADisconnectedSessionAndACancelledCall()
    {
        await using var host = await ChatTestHost.StartAsync(new ScriptedModelProvider().ThenHang("thinking..."));
        var (connection, stream) = await host.OpenChatAsync(Go);
        await stream.ReadUntilAsync("text");
        await connection.DisposeAsync();

        // The session ends as soon as the client is gone; its model call unwinds after that.
        var body = await ScrapeUntilAsync(host.Host, b =>
            b.Contains("gateway_sessions_total{outcome=\"disconnected\"} 1\n", StringComparison.Ordinal)
            && b.Contains("gateway_upstream_requests_total{provider=\"scripted\",model=\"test-model\",status=\"499\"} 1\n", StringComparison.Ordinal),
            "the session counted as disconnected and its model call as cancelled (499)");
        Assert.Equal(1, Value(body, "gateway_upstream_time_to_first_token_seconds_count{provider=\"scripted\",model=\"test-model\"}"));
    }

    [Fact]
    public async Task ADeniedRelayAndAnUnknownToolAreRefusedCallsAndTheLoopEndsAtMaxIterations()
    {
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"hello"}"""), Call("c2", "no_such_tool", "{}"))
            .ThenText("summary");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry());
        var (connection, stream) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"go"}],"maxIterations":1}""");
        await using (connection)
        {
            var head = await stream.ReadUntilAsync("relay");
            await host.AnswerAsync(head[^1].Field("id")!, head[0].Field("sessionId")!, """{"approved":false,"reason":"no"}""");
            await stream.ReadAllEventsAsync();
        }

        var body = (await host.Host.GetAsync("/metrics")).Body;
        Assert.Equal(1, Value(body, "gateway_sessions_total{outcome=\"max_iterations\"}"));
        Assert.Equal(1, Value(body, "gateway_relays_total{decision=\"denied\"}"));
        Assert.Equal(1, Value(body, "gateway_tool_calls_total{tool=\"echo\",outcome=\"refused\"}"));
        Assert.Equal(1, Value(body, "gateway_tool_calls_total{tool=\"_unknown\",outcome=\"refused\"}"));
        Assert.Equal(0, Value(body, "gateway_tool_duration_seconds_count{tool=\"echo\"}"));
    }
}
