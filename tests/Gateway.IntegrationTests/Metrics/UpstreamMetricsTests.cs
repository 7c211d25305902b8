using Gateway.IntegrationTests.Infrastructure;
using Gateway.IntegrationTests.Infrastructure.Upstream;
using Gateway.IntegrationTests.OpenAi;
using Gateway.IntegrationTests.Providers;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Providers.OpenAi;
using Gateway.Server.Providers.Upstream;
using static Gateway.IntegrationTests.Metrics.Exposition;

namespace Gateway.IntegrationTests.Metrics;

/// <summary>A real OpenAI-compatible upstream over loopback: its 5xx retried and counted, the call then counted by its status.</summary>
public sealed class UpstreamMetricsTests
{
    [Fact]
    public async Task AServerErrorRetriedBeforeTheAnswerIsCountedAsARetryOfItsProvider()
    {
        await using var upstream = FakeUpstream.Start(
            UpstreamReply.Json("""{"data":[{"id":"gpt-x"}]}"""),
            UpstreamReply.Json("""{"error":"boom"}""", 500, "Internal Server Error"),
            UpstreamReply.Sse(OpenAiStreamScripts.Text));
        var metrics = new GatewayMetrics(TimeProvider.System);
        using var http = new UpstreamHttp(ProviderTestKit.FastOptions, metrics.Upstream);
        await using var host = await ChatTestHost.StartAsync(moreProviders: [new OpenAiCompatibleProvider("up", upstream.Url("/v1"), "sk-test", http)], metrics: metrics);

        var response = await host.CompleteAsync("""{"model":"gpt-x","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(200, response.StatusCode);
        var body = (await host.Host.GetAsync("/metrics")).Body;
        Assert.Equal(1, Value(body, "gateway_upstream_retries_total{provider=\"up\"}"));
        Assert.Equal(1, Value(body, "gateway_upstream_requests_total{provider=\"up\",model=\"gpt-x\",status=\"200\"}"));
        Assert.Equal(3, upstream.Requests.Count);
    }
}
