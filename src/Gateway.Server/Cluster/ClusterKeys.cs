using StackExchange.Redis;

namespace Gateway.Server.Cluster;

/// <summary>The names the instances share in Redis (docs/deploy.md lists them).</summary>
internal static class ClusterKeys
{
    /// <summary>An instance's liveness: present while its heartbeat refreshes it.</summary>
    public static RedisKey Instance(string instanceId) => InstancePrefix + instanceId;

    /// <summary>A session's owner: the id of the instance that runs it.</summary>
    public static RedisKey Session(string sessionId) => "gateway:session:" + sessionId;

    /// <summary>A resumable session's events: a Redis Stream whose entry <c>n-0</c> is event n, and <c>n-1</c> the end after it.</summary>
    public static RedisKey Events(string sessionId) => "gateway:events:" + sessionId;

    /// <summary>The token of the reader on another instance that follows a session now; absent once a reader on the owner took over.</summary>
    public static RedisKey Reader(string sessionId) => "gateway:reader:" + sessionId;

    /// <summary>A client key's running sessions: a hash of instance id to that instance's share, a dead instance's dropped at the next admission.</summary>
    public static RedisKey KeySessions(string keyName) => "gateway:key-sessions:" + keyName;

    /// <summary>A client key's tokens of one UTC day (days since 0001-01-01), expiring the day after.</summary>
    public static RedisKey KeyTokens(string keyName, long day) => $"gateway:key-tokens:{keyName}:{day}";

    /// <summary>What <see cref="Instance"/> prefixes, for the admission script that checks instances' liveness.</summary>
    public const string InstancePrefix = "gateway:instance:";

    /// <summary>Where an instance hears relay answers for its sessions.</summary>
    public static RedisChannel Relays(string instanceId) => RedisChannel.Literal("gateway:relays:" + instanceId);

    /// <summary>Where an instance hears the owners' replies to the relays it forwarded.</summary>
    public static RedisChannel Replies(string instanceId) => RedisChannel.Literal("gateway:replies:" + instanceId);
}
