using System.Collections.Concurrent;

namespace Gateway.Server.Agents;

/// <summary>The live sessions by id, so /chat/relay can reach the orchestrator that waits for an answer.</summary>
/// <remarks>The count is claimed before a session is added, so concurrent requests can never hold more than the limit (MAX_SESSIONS).</remarks>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<string, AgentOrchestrator> _sessions = new(StringComparer.Ordinal);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Registers the session unless <paramref name="limit"/> sessions are already live.</summary>
    public bool TryRegister(AgentOrchestrator orchestrator, int limit)
    {
        if (Interlocked.Increment(ref _count) > limit)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }
        _sessions[orchestrator.SessionId] = orchestrator;
        return true;
    }

    /// <summary>Relays the live sessions wait on; read at shutdown, so a walk over the sessions is fine.</summary>
    public int PendingRelays => _sessions.Values.Sum(orchestrator => orchestrator.PendingRelays);

    public void Unregister(AgentOrchestrator orchestrator)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, AgentOrchestrator>(orchestrator.SessionId, orchestrator)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    public bool TryGet(string sessionId, out AgentOrchestrator orchestrator) => _sessions.TryGetValue(sessionId, out orchestrator!);
}
