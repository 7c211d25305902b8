using System.Collections.Concurrent;
using Gateway.Server.Primitives;

namespace Gateway.KestrelBaseline;

/// <summary>
/// The baseline's stand-in for Gateway.Server's heartbeat: one timer a second (its <c>HeartbeatInterval</c>) visits
/// every subscribed stream, so idle streams are pinged on Kestrel as on our server (scenario 2 compares the two).
/// </summary>
internal static class BaselineHeartbeat
{
    private static readonly ConcurrentDictionary<IHeartbeatSubscriber, byte> s_subscribers = new();
    private static readonly ITimer s_timer = TimeProvider.System.CreateTimer(_ => Beat(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    public static void Add(IHeartbeatSubscriber subscriber)
    {
        GC.KeepAlive(s_timer); // Started with the first subscriber.
        s_subscribers.TryAdd(subscriber, 0);
    }

    public static void Remove(IHeartbeatSubscriber subscriber) => s_subscribers.TryRemove(subscriber, out _);

    private static void Beat()
    {
        var now = Environment.TickCount64;
        foreach (var subscriber in s_subscribers.Keys)
        {
            subscriber.OnHeartbeat(now);
        }
    }
}
