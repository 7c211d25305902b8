using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests.Metrics;

/// <summary>A real Prometheus (Debian's package) scrapes the gateway and answers a PromQL query on what it counted.</summary>
public sealed class PrometheusScrapeTests
{
    /// <summary>Prometheus starts, scrapes every half second and must have seen the traffic well within this.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PrometheusScrapesTheGatewayAndAnswersAQueryOnItsRequests()
    {
        var prometheus = RequiredTool.Path("prometheus", "prometheus");
        await using var host = await GatewayTestHost.StartAsync([]);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await host.GetAsync("/health")).StatusCode);
        }

        var directory = Directory.CreateTempSubdirectory("gateway-prometheus-");
        var port = FreePort();
        var config = Path.Combine(directory.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 500ms
            scrape_configs:
              - job_name: gateway
                static_configs:
                  - targets: ["{host.EndPoint}"]
            """);
        using var server = Process.Start(ClientProcess.StartInfo(prometheus,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(directory.FullName, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ]))!;
        var log = server.StandardError.ReadToEndAsync();
        _ = server.StandardOutput.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var query = Uri.EscapeDataString("""sum(gateway_http_requests_total{job="gateway",route="/health",method="GET",status="200"})""");
            var answer = await AnswerAsync(client, $"http://127.0.0.1:{port}/api/v1/query?query={query}", "3", server);
            Assert.True(answer == "3", $"Prometheus answered {answer ?? "nothing"} within {Patience.TotalSeconds} s; its log:\n{(server.HasExited ? await log : "")}");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Polls the query until it answers <paramref name="expected"/> or <see cref="Patience"/> runs out; the last answer.</summary>
    private static async Task<string?> AnswerAsync(HttpClient client, string url, string expected, Process server)
    {
        string? answer = null;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience && !server.HasExited && answer != expected)
        {
            try
            {
                using var json = JsonDocument.Parse(await client.GetStringAsync(url));
                var result = json.RootElement.GetProperty("data").GetProperty("result");
                answer = result.GetArrayLength() == 1 ? result[0].GetProperty("value")[1].GetString() : null;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (answer != expected)
            {
                await Task.Delay(250);
            }
        }
        return answer;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
