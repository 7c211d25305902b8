using Gateway.Server.Primitives;
using Gateway.Server.Sse;

namespace Gateway.Server.Cluster;

/// <summary>One instance on its own (REDIS_URL unset): nothing is registered, and a session it does not run is not found.</summary>
internal sealed class LocalCluster : ICluster
{
    private static readonly Task<RelayReply> s_sessionNotFound = Task.FromResult(RelayReply.SessionNotFound);

    public static LocalCluster Instance { get; } = new();

    private LocalCluster()
    {
    }

    public ValueTask RelayPendingAsync(string sessionId) => ValueTask.CompletedTask;

    public void SessionEnded(string sessionId)
    {
    }

    public IEventArchive? ArchiveEvents(string sessionId, ClientKey? owner, ResumeOptions resume) => null;

    public void ReaderAttached(string sessionId)
    {
    }

    public ValueTask<EventsLookup> FindEventsAsync(string sessionId, TimeSpan pingInterval) => ValueTask.FromResult(EventsLookup.NotFound);

    public Task<RelayReply> ForwardRelayAsync(string sessionId, string relayId, string response) => s_sessionNotFound;

    public ValueTask<KeyVerdict> EnterKeyAsync(string keyName, int? maxSessions, long? tokensPerDay, long day) => ValueTask.FromResult(KeyVerdict.Admitted);

    public void ExitKey(string keyName)
    {
    }

    public ValueTask<long?> SpendKeyTokensAsync(string keyName, long day, long tokens) => ValueTask.FromResult<long?>(null);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
