using Gateway.Server.Primitives;
using Gateway.Server.Sse;
using StackExchange.Redis;

namespace Gateway.Server.Cluster;

internal sealed partial class RedisCluster
{
    /// <remarks>
    /// Registered from its start, not at its first relay: a reader may come back to any instance at any event (SPEC §9).
    /// The key is written with the session's first entry (or at once by a relay that comes first).
    /// </remarks>
    public IEventArchive? ArchiveEvents(string sessionId, ClientKey? owner, ResumeOptions resume)
    {
        var registration = new SessionRegistration(SessionOwner.Value(InstanceId, owner?.Sha256));
        _registered[sessionId] = registration;
        return new RedisEventArchive(_shipper!, sessionId, registration, resume, _options.TimeToLive, () => Forget(sessionId), () => IsReadElsewhereAsync(sessionId));
    }

    public async ValueTask<EventsLookup> FindEventsAsync(string sessionId, TimeSpan pingInterval)
    {
        if (!_redis.IsConnected)
        {
            return EventsLookup.RedisAway;
        }
        try
        {
            var batch = _database.CreateBatch();
            var registration = batch.StringGetAsync(ClusterKeys.Session(sessionId));
            var first = batch.StreamRangeAsync(ClusterKeys.Events(sessionId), "-", "+", 1);
            var last = batch.StreamRangeAsync(ClusterKeys.Events(sessionId), "-", "+", 1, Order.Descending);
            batch.Execute();
            var value = (string?)await registration.ConfigureAwait(false);
            var (oldest, newest) = (await first.ConfigureAwait(false), await last.ConfigureAwait(false));
            var owner = value is null ? null : SessionOwner.InstanceOf(value);
            // Ours yet not held here: it has expired (or its registration is a leftover of this instance's last run).
            if (value is null || owner == InstanceId)
            {
                return EventsLookup.NotFound;
            }
            var events = new RemoteSessionEvents(
                _database, sessionId, owner!, SessionOwner.KeyDigestOf(value), oldest.Length > 0 ? oldest[0] : null, newest.Length > 0 ? newest[0] : null,
                _options, pingInterval);
            return new EventsLookup(events, false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return EventsLookup.RedisAway;
        }
    }
}
