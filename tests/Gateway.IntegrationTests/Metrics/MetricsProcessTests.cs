using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Metrics;

/// <summary>METRICS_PUBLIC read by the executable itself: /metrics opens to anonymous scrapers, a bad value stops the start.</summary>
public sealed class MetricsProcessTests
{
    [Fact]
    public async Task MetricsPublicTrueLetsAScraperInWithoutTheKey()
    {
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string>
        {
            ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["GATEWAY_API_KEYS"] = "secret", ["METRICS_PUBLIC"] = "true",
        });
        var endPoint = await gateway.ListeningAsync();
        await using var connection = await RawConnection.ConnectAsync(endPoint);
        await connection.SendAsync("GET /metrics HTTP/1.1\r\nHost: test\r\n\r\nGET /models HTTP/1.1\r\nHost: test\r\n\r\n");

        var metrics = await connection.ReadResponseAsync();
        Assert.Equal(200, metrics.StatusCode);
        Assert.Contains("\ngateway_build_info{version=\"", metrics.Body, StringComparison.Ordinal);
        Assert.Equal(401, (await connection.ReadResponseAsync()).StatusCode);
    }

    [Fact]
    public async Task AMetricsPublicThatIsNotABooleanIsAConfigurationError()
    {
        await using var gateway = GatewayProcess.Start(new Dictionary<string, string> { ["HOST"] = "127.0.0.1", ["PORT"] = "0", ["METRICS_PUBLIC"] = "yes" });
        Assert.Equal(2, await gateway.WaitForExitAsync());
        Assert.Contains(gateway.Log, line => line.Contains("METRICS_PUBLIC=yes: expected true or false.", StringComparison.Ordinal));
    }
}
