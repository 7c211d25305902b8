using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <summary>The names the instances share in Redis (docs/deploy.md lists them).</summary>
internal static class ClusterKeys
{
    /// <summary>An instance's liveness: present while its heartbeat refreshes it.</summary>
    public static RedisKey Instance(string instanceId) => "gateway:instance:" + instanceId;

    /// <summary>A session's owner: the id of the instance that runs it.</summary>
    public static RedisKey Session(string sessionId) => "gateway:session:" + sessionId;

    /// <summary>Where an instance hears relay answers for its sessions.</summary>
    public static RedisChannel Relays(string instanceId) => RedisChannel.Literal("gateway:relays:" + instanceId);

    /// <summary>Where an instance hears the owners' replies to the relays it forwarded.</summary>
    public static RedisChannel Replies(string instanceId) => RedisChannel.Literal("gateway:replies:" + instanceId);
}
