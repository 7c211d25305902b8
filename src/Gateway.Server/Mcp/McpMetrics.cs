using Gateway.Server.Diagnostics.Metrics;

namespace Gateway.Server.Mcp;

/// <summary>The MCP servers' series, read from their states at each scrape, by server (their tools' calls are the tool series).</summary>
internal static class McpMetrics
{
    public static void Register(MetricsRegistry registry, IReadOnlyList<IMcpServer> servers)
    {
        Read("gateway_mcp_server_up", "1 while the MCP server is ready and its tools are offered, else 0.", MetricType.Gauge, s => s.Status == McpServerStatus.Ready ? 1 : 0);
        Read("gateway_mcp_server_restarts_total", "Starts of the MCP server after its first one.", MetricType.Counter, s => s.Restarts);
        Read("gateway_mcp_server_tools", "Tools the MCP server listed (none while it is not ready).", MetricType.Gauge, s => s.Tools.Length);

        void Read(string name, string help, MetricType type, Func<McpServerState, double> figure) =>
            registry.ReadAtScrape(name, help, type, ["server"], samples =>
            {
                foreach (var server in servers)
                {
                    samples.Add(figure(server.State), server.Name);
                }
            });
    }
}
