using System.Collections.Concurrent;

namespace Gateway.Server.Agents;

/// <summary>The live sessions by id, so /chat/relay can reach the orchestrator that waits for an answer.</summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<string, AgentOrchestrator> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    /// <summary>Relays the live sessions wait on; read at shutdown, so a walk over the sessions is fine.</summary>
    public int PendingRelays => _sessions.Values.Sum(orchestrator => orchestrator.PendingRelays);

    public void Register(AgentOrchestrator orchestrator) => _sessions[orchestrator.SessionId] = orchestrator;

    public void Unregister(AgentOrchestrator orchestrator) =>
        _sessions.TryRemove(new KeyValuePair<string, AgentOrchestrator>(orchestrator.SessionId, orchestrator));

    public bool TryGet(string sessionId, out AgentOrchestrator orchestrator) => _sessions.TryGetValue(sessionId, out orchestrator!);
}
