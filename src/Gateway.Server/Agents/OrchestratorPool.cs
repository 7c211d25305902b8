using System.Collections.Concurrent;

namespace Gateway.Server.Agents;

/// <summary>Orchestrators for reuse: rented per /chat, reset and returned when the session ends.</summary>
/// <remarks>Bounded (STYLE §15): an approximate count caps what is kept; a return beyond the cap is dropped for the GC.</remarks>
internal sealed class OrchestratorPool(Func<AgentOrchestrator> create, int capacity)
{
    private readonly ConcurrentQueue<AgentOrchestrator> _items = new();
    private int _count;
    private int _rented;

    /// <summary>Orchestrators rented and not yet returned.</summary>
    public int Rented => Volatile.Read(ref _rented);

    /// <summary>Orchestrators waiting in the pool.</summary>
    public int Available => Volatile.Read(ref _count);

    public AgentOrchestrator Rent()
    {
        Interlocked.Increment(ref _rented);
        if (_items.TryDequeue(out var orchestrator))
        {
            Interlocked.Decrement(ref _count);
            return orchestrator;
        }
        return create();
    }

    /// <summary>
    /// Takes an orchestrator back once everything its session started has stopped (bounded), and removes the session's
    /// own workspace either way; one whose work outlives the bound is dropped for the GC, so nothing of an old session
    /// can reach a new one.
    /// </summary>
    public async Task ReturnAsync(AgentOrchestrator orchestrator)
    {
        var idle = await orchestrator.FinishWorkAsync().ConfigureAwait(false);
        await orchestrator.EndWorkspaceAsync().ConfigureAwait(false);
        if (idle)
        {
            orchestrator.Reset();
            if (Interlocked.Increment(ref _count) <= capacity)
            {
                _items.Enqueue(orchestrator);
            }
            else
            {
                Interlocked.Decrement(ref _count);
            }
        }
        // Last, so whoever sees none rented (a test, a scrape of gateway_orchestrators) sees this one back in the pool
        // and its workspace removed.
        Interlocked.Decrement(ref _rented);
    }
}
