using System.Collections.Concurrent;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Events;

namespace Gateway.Server.Agents;

/// <summary>The outcome of answering a relay, in the order SPEC §4 checks.</summary>
internal enum RelayAnswerStatus : byte
{
    Waiting,
    Answered,
    SessionNotFound,
    RelayNotFound,
}

internal sealed partial class AgentOrchestrator
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RelayAnswer>> _relays = new(StringComparer.Ordinal);

    public int PendingRelays => _relays.Count;

    /// <summary>Emits a relay and waits for its answer, at most the relay timeout (then it is denied, SPEC §4).</summary>
    public async Task<RelayAnswer> RequestPermissionAsync(RelayEvent relay, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<RelayAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        _relays[relay.Id] = waiter;
        metrics.Agents.RelaysPending.Increment();
        try
        {
            await directory.RelayPendingAsync(SessionId).ConfigureAwait(false);
            await EmitAsync(relay).ConfigureAwait(false);
            var answer = await waiter.Task.WaitAsync(options.RelayTimeout, cancellationToken).ConfigureAwait(false);
            metrics.Agents.RelaySettled(!answer.Approved ? RelayDecision.Denied : answer.Always ? RelayDecision.Always : RelayDecision.Approved);
            return answer;
        }
        catch (TimeoutException)
        {
            metrics.Agents.RelaySettled(RelayDecision.TimedOut);
            return RelayAnswer.TimedOut;
        }
        finally
        {
            metrics.Agents.RelaysPending.Decrement();
            _relays.TryRemove(relay.Id, out _);
        }
    }

    /// <summary>
    /// Whether this orchestrator runs that session (it may have been recycled for another since the registry
    /// gave it out) and the relay waits in it: <see cref="RelayAnswerStatus.Waiting"/>, else why not.
    /// </summary>
    public RelayAnswerStatus Find(string sessionId, string relayId) =>
        SessionId != sessionId ? RelayAnswerStatus.SessionNotFound
        : _relays.ContainsKey(relayId) ? RelayAnswerStatus.Waiting
        : RelayAnswerStatus.RelayNotFound;

    /// <summary>Delivers a client's answer, checked as <see cref="Find"/> does; a relay is answered once, after which it is "not found".</summary>
    public RelayAnswerStatus Answer(string sessionId, string relayId, RelayAnswer answer)
    {
        if (SessionId != sessionId)
        {
            return RelayAnswerStatus.SessionNotFound;
        }
        return _relays.TryRemove(relayId, out var waiter) && waiter.TrySetResult(answer)
            ? RelayAnswerStatus.Answered
            : RelayAnswerStatus.RelayNotFound;
    }

    private void DropRelays()
    {
        foreach (var waiter in _relays.Values)
        {
            waiter.TrySetCanceled();
        }
        _relays.Clear();
    }
}
