using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Metrics.Exposition;

namespace Gateway.IntegrationTests.Metrics;

/// <summary>GET /metrics over a real socket: the exposition after a known sequence of requests, its access rules, and promtool's verdict.</summary>
public sealed class MetricsTests
{
    private const string Duration = "gateway_http_request_duration_seconds";

    [Fact]
    public async Task TheExpositionIsExactAfterAKnownSequenceOfRequests()
    {
        // The clock stands still: every duration is 0, so the histograms are known exactly.
        var metrics = new GatewayMetrics(new FakeTimeProvider());
        var model = new ScriptedModelProvider()
            .ThenCalls(Call("c1", "echo", """{"text":"hello"}"""))
            .ThenText("done");
        await using var host = await ChatTestHost.StartAsync(model, new TestToolRegistry(), metrics: metrics);

        Assert.Equal(200, (await host.Host.GetAsync("/health")).StatusCode);
        Assert.Equal(404, (await host.Host.GetAsync("/nowhere")).StatusCode);
        Assert.Equal(405, (await host.PostForResponseAsync("/health", "{}")).StatusCode);
        var (connection, stream) = await host.OpenChatAsync("""{"model":"test-model","messages":[{"role":"user","content":"go"}]}""");
        await using (connection)
        {
            var head = await stream.ReadUntilAsync("relay");
            await host.AnswerAsync(head[^1].Field("id")!, head[0].Field("sessionId")!, """{"approved":true}""");
            var rest = await stream.ReadAllEventsAsync();
            Assert.Equal(["tool_call", "tool_result", "text", "usage", "harness_end"], rest.Select(e => e.Name));
        }

        var scrape = await host.Host.GetAsync("/metrics");
        Assert.Equal(200, scrape.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", scrape.Header("Content-Type"));
        var body = scrape.Body;
        Assert.Equal(
            "# HELP gateway_http_request_duration_seconds Time from a request's first byte to the end of its response (a whole stream), by route pattern.\n" +
            "# TYPE gateway_http_request_duration_seconds histogram\n" +
            InstantHistogram(Duration, "route=\"/\"", 0) +
            InstantHistogram(Duration, "route=\"/chat\"", 1) +
            InstantHistogram(Duration, "route=\"/chat/:sessionId/events\"", 0) +
            InstantHistogram(Duration, "route=\"/chat/relay/:relayId\"", 1) +
            InstantHistogram(Duration, "route=\"/health\"", 2) +
            InstantHistogram(Duration, "route=\"/mcp/servers\"", 0) +
            InstantHistogram(Duration, "route=\"/metrics\"", 0) +
            InstantHistogram(Duration, "route=\"/models\"", 0) +
            InstantHistogram(Duration, "route=\"/summarize\"", 0) +
            InstantHistogram(Duration, "route=\"/ui/:asset\"", 0) +
            InstantHistogram(Duration, "route=\"/ui/config.json\"", 0) +
            InstantHistogram(Duration, "route=\"/v1/chat/completions\"", 0) +
            InstantHistogram(Duration, "route=\"/v1/messages\"", 0) +
            InstantHistogram(Duration, "route=\"/v1/messages/count_tokens\"", 0) +
            InstantHistogram(Duration, "route=\"/v1/models\"", 0) +
            InstantHistogram(Duration, "route=\"/v1/models/:model\"", 0) +
            InstantHistogram(Duration, "route=\"/v1/responses\"", 0) +
            InstantHistogram(Duration, "route=\"unmatched\"", 1),
            Families(body, Duration));
        Assert.Equal(
            """
            # HELP gateway_http_requests_total HTTP requests answered, by route pattern, method and status.
            # TYPE gateway_http_requests_total counter
            gateway_http_requests_total{route="/chat",method="POST",status="200"} 1
            gateway_http_requests_total{route="/chat/relay/:relayId",method="POST",status="200"} 1
            gateway_http_requests_total{route="/health",method="GET",status="200"} 1
            gateway_http_requests_total{route="/health",method="POST",status="405"} 1
            gateway_http_requests_total{route="unmatched",method="GET",status="404"} 1
            # HELP gateway_sessions_total /chat sessions ended, by outcome.
            # TYPE gateway_sessions_total counter
            gateway_sessions_total{outcome="completed"} 1
            gateway_sessions_total{outcome="disconnected"} 0
            gateway_sessions_total{outcome="error"} 0
            gateway_sessions_total{outcome="max_iterations"} 0
            # HELP gateway_relays_total Permission relays settled, by decision.
            # TYPE gateway_relays_total counter
            gateway_relays_total{decision="always"} 0
            gateway_relays_total{decision="approved"} 1
            gateway_relays_total{decision="denied"} 0
            gateway_relays_total{decision="timed_out"} 0
            # HELP gateway_sse_events_total /chat events sent, by type (SPEC §5).
            # TYPE gateway_sse_events_total counter
            gateway_sse_events_total{type="connected"} 1
            gateway_sse_events_total{type="harness_end"} 1
            gateway_sse_events_total{type="harness_start"} 1
            gateway_sse_events_total{type="relay"} 1
            gateway_sse_events_total{type="text"} 1
            gateway_sse_events_total{type="tool_call"} 1
            gateway_sse_events_total{type="tool_result"} 1
            gateway_sse_events_total{type="usage"} 2
            # HELP gateway_upstream_requests_total Model calls (/chat, /summarize and /v1), by provider, model and the HTTP status they ended with (499: the caller left).
            # TYPE gateway_upstream_requests_total counter
            gateway_upstream_requests_total{provider="scripted",model="test-model",status="200"} 2
            # HELP gateway_tokens_total Tokens of model calls as the providers reported them, by kind (input, output, cache_read, cache_write).
            # TYPE gateway_tokens_total counter
            gateway_tokens_total{provider="scripted",model="test-model",kind="cache_read"} 0
            gateway_tokens_total{provider="scripted",model="test-model",kind="cache_write"} 0
            gateway_tokens_total{provider="scripted",model="test-model",kind="input"} 15
            gateway_tokens_total{provider="scripted",model="test-model",kind="output"} 2
            # HELP gateway_tool_calls_total Tool calls of agents, by tool and outcome.
            # TYPE gateway_tool_calls_total counter
            gateway_tool_calls_total{tool="echo",outcome="error"} 0
            gateway_tool_calls_total{tool="echo",outcome="refused"} 0
            gateway_tool_calls_total{tool="echo",outcome="success"} 1

            """,
            Families(body, "gateway_http_requests_total", "gateway_sessions_total", "gateway_relays_total", "gateway_sse_events_total",
                "gateway_upstream_requests_total", "gateway_tokens_total", "gateway_tool_calls_total"));
        Assert.Contains("gateway_relays_pending 0\n", body, StringComparison.Ordinal);
        Assert.Contains("gateway_sessions_active 0\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnderApiKeysMetricsNeedsAKey()
    {
        await using var host = await GatewayTestHost.StartAsync([], apiKeys: ["k1"]);

        var refused = await host.GetAsync("/metrics");
        Assert.Equal(401, refused.StatusCode);
        Assert.Equal("Bearer", refused.Header("WWW-Authenticate"));

        var scrape = await host.GetAsync("/metrics", "Authorization: Bearer k1\r\n");
        Assert.Equal(200, scrape.StatusCode);
        Assert.Contains("gateway_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"401\"} 1\n", scrape.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsPublicServesMetricsWithoutAKeyAndNothingElse()
    {
        await using var host = await GatewayTestHost.StartAsync([], apiKeys: ["k1"], metricsPublic: true);

        Assert.Equal(200, (await host.GetAsync("/metrics")).StatusCode);
        Assert.Equal(401, (await host.GetAsync("/models")).StatusCode);
    }

    [Fact]
    public async Task PromtoolFindsNothingWrongWithTheExposition()
    {
        var promtool = Promtool.Find();
        await using var host = await GatewayTestHost.StartAsync([new ScriptedModelProvider().ThenText("hi")]);
        await host.GetAsync("/health");
        await host.GetAsync("/nowhere");
        await host.GetAsync("/v1/models/a%22quote%5Cback");
        var body = (await host.GetAsync("/metrics")).Body;

        await Promtool.AssertValidAsync(promtool, body);
    }
}
