using System.Net;
using Gateway.Server;
using Gateway.Server.Configuration;
using Gateway.Server.Diagnostics;
using Gateway.Server.Providers;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>The whole gateway (its real routes and catalog) on a loopback port.</summary>
internal static class GatewayTestHost
{
    public static Task<GatewayHost> StartAsync(IReadOnlyList<IModelProvider> providers, string? defaultModel = null, string[]? apiKeys = null, bool metricsPublic = false) =>
        GatewayHost.StartAsync(
            new GatewayOptions
            {
                EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                DefaultModel = defaultModel,
                ApiKeys = apiKeys ?? [],
                MetricsPublic = metricsPublic,
                Http = TestServer.FastOptions,
            },
            providers,
            GatewayLog.Silent);

    public static Task<RawConnection> ConnectAsync(this GatewayHost host) => RawConnection.ConnectAsync(host.EndPoint);

    /// <summary>One GET on a fresh connection, with extra header lines if given.</summary>
    public static async Task<RawResponse> GetAsync(this GatewayHost host, string path, string extraHeaders = "")
    {
        await using var connection = await host.ConnectAsync();
        await connection.SendAsync($"GET {path} HTTP/1.1\r\nHost: test\r\n{extraHeaders}\r\n");
        return await connection.ReadResponseAsync();
    }
}
