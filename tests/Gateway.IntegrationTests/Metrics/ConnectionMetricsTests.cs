using Gateway.IntegrationTests.Infrastructure;
using static Gateway.IntegrationTests.Infrastructure.AgentScript;
using static Gateway.IntegrationTests.Metrics.Exposition;

namespace Gateway.IntegrationTests.Metrics;

/// <summary>Connections the server refuses or ends, counted by reason: the connection limit, a timeout, a malformed request.</summary>
public sealed class ConnectionMetricsTests
{
    [Fact]
    public async Task EachKindOfRefusedConnectionIsCountedByItsReason()
    {
        var http = TestServer.FastOptions with { MaxConnections = 2, HeadersTimeout = TimeSpan.FromMilliseconds(200) };
        await using var host = await ChatTestHost.StartAsync(http: http);

        await using (var garbage = await host.Host.ConnectAsync())
        {
            await garbage.SendAsync("NOT HTTP\r\n\r\n");
            Assert.Equal(400, (await garbage.ReadResponseAsync()).StatusCode);
        }
        await using (var silent = await host.Host.ConnectAsync())
        {
            await silent.SendAsync("GET /health HTTP/1.1\r\n");
            Assert.Equal(408, (await silent.ReadResponseAsync()).StatusCode);
        }
        await using (var first = await host.Host.ConnectAsync())
        await using (var second = await host.Host.ConnectAsync())
        await using (var third = await host.Host.ConnectAsync())
        {
            await first.SendAsync("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
            Assert.Equal(200, (await first.ReadResponseAsync()).StatusCode);
            await second.SendAsync("GET /health HTTP/1.1\r\nHost: test\r\n\r\n");
            Assert.Equal(200, (await second.ReadResponseAsync()).StatusCode);
            Assert.Equal(503, (await third.ReadResponseAsync()).StatusCode);
        }

        // The closed connections leave the server on its own time; the scrape needs a place under the limit.
        await WithinAsync(Patience, () => host.Host.ConnectionCount == 0, "every connection closed");
        var body = (await host.Host.GetAsync("/metrics")).Body;
        Assert.Equal(1, Value(body, "gateway_connections_rejected_total{reason=\"bad_request\"}"));
        Assert.Equal(1, Value(body, "gateway_connections_rejected_total{reason=\"timeout\"}"));
        Assert.Equal(1, Value(body, "gateway_connections_rejected_total{reason=\"limit\"}"));
        Assert.Equal(1, Value(body, "gateway_http_requests_total{route=\"unmatched\",method=\"_OTHER\",status=\"400\"}"));
        Assert.Equal(1, Value(body, "gateway_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"408\"}"));
        Assert.True(Value(body, "gateway_connections_total") >= 6);
    }
}
