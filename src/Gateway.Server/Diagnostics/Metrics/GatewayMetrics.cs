namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>One gateway's metrics: the registry <c>GET /metrics</c> writes out, and each layer's series.</summary>
/// <remarks>One per host, not static, so gateways started side by side (tests) count apart. The clock times every duration; tests step a fake one.</remarks>
internal sealed class GatewayMetrics
{
    public GatewayMetrics(TimeProvider clock)
    {
        Http = new HttpMetrics(Registry, clock);
        Agents = new AgentMetrics(Registry, clock);
        Upstream = new UpstreamMetrics(Registry, clock);
        Keys = new KeyMetrics(Registry);
        ProcessMetrics.Register(Registry);
    }

    public MetricsRegistry Registry { get; } = new();

    public HttpMetrics Http { get; }

    public AgentMetrics Agents { get; }

    public UpstreamMetrics Upstream { get; }

    public KeyMetrics Keys { get; }
}
