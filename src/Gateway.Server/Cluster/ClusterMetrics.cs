using Gateway.Server.Diagnostics.Metrics;

namespace Gateway.Server.Cluster;

/// <summary>The shared mode's series, registered only when REDIS_URL is set.</summary>
internal sealed class ClusterMetrics
{
    private static readonly string[] OutcomeLabels = ["answered", "session_not_found", "relay_not_found", "invalid", "unavailable", "timed_out"];

    private readonly Counter[] _forwarded;

    public ClusterMetrics(MetricsRegistry registry, Func<bool> connected)
    {
        registry.GaugeReadAtScrape("gateway_cluster_redis_connected", "1 while the instance is connected to Redis (REDIS_URL), else 0.", () => connected() ? 1 : 0);
        var forwarded = registry.Counters(
            "gateway_cluster_relays_forwarded_total", "Relay answers for sessions of other instances, passed on through Redis, by outcome.", "outcome");
        _forwarded = [.. OutcomeLabels.Select(o => forwarded.WithLabels(o))];
    }

    public void Forwarded(RelayOutcome outcome) => _forwarded[(int)outcome].Increment();
}
