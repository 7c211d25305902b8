namespace Gateway.Server.Cluster;

/// <summary>The shared mode's settings: where Redis is (REDIS_URL; null runs alone) and its timings.</summary>
internal sealed record ClusterOptions
{
    /// <summary>Redis to connect to; null when REDIS_URL is unset and nothing is shared.</summary>
    public RedisAddress? Redis { get; init; }

    /// <summary>How often the instance refreshes its own key and its sessions' (CLUSTER_HEARTBEAT_SECONDS).</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long those keys live without a refresh: an instance silent this long is dead, its sessions lost (CLUSTER_TTL_SECONDS).</summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait for the owner's answer to a forwarded relay (CLUSTER_RELAY_TIMEOUT_SECONDS); then 504.</summary>
    public TimeSpan RelayTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait to reach Redis at start-up; then start-up fails.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Ticks the heartbeat; Redis's own clock expires the keys.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
