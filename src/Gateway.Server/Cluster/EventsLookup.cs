using Gateway.Server.Sse;

namespace Gateway.Server.Cluster;

/// <summary>Where another instance's session can be read: <see cref="Events"/>, or null with <see cref="Unavailable"/> when Redis is away (else not found).</summary>
internal readonly record struct EventsLookup(IResumableEvents? Events, bool Unavailable)
{
    public static EventsLookup NotFound => default;

    public static EventsLookup RedisAway => new(null, true);
}
