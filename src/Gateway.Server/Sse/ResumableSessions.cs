using System.Collections.Concurrent;

namespace Gateway.Server.Sse;

/// <summary>The event logs of resumable sessions by session id, from their start until their grace after the end (SPEC §9).</summary>
/// <remarks>A log outlives its session's orchestrator: it is added before the first event and removes itself when it expires.</remarks>
internal sealed class ResumableSessions
{
    private readonly ConcurrentDictionary<string, SessionEventLog> _logs = new(StringComparer.Ordinal);

    public void Add(SessionEventLog log) => _logs[log.SessionId] = log;

    public bool TryGet(string sessionId, out IResumableEvents? events)
    {
        var found = _logs.TryGetValue(sessionId, out var log);
        events = log;
        return found;
    }

    /// <summary>A reader on another instance took the session over (REDIS_URL): its live reader here ends cleanly.</summary>
    public void EndReader(string sessionId)
    {
        if (_logs.TryGetValue(sessionId, out var log))
        {
            log.EndReader();
        }
    }

    public void Remove(SessionEventLog log) => _logs.TryRemove(new KeyValuePair<string, SessionEventLog>(log.SessionId, log));
}
