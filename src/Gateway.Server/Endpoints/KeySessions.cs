using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Gateway.Server.Primitives;

namespace Gateway.Server.Endpoints;

/// <summary>
/// Each key's <c>maxConcurrentSessions</c> (GATEWAY_KEYS_FILE): its <c>/chat</c> sessions and <c>/v1</c> completions running
/// at once. A completion counts as a session of one turn, or the limit could be passed by using the other door.
/// </summary>
/// <remarks>Counted for every key (/metrics shows them), by the key's name, so a reloaded keys file carries the count over.</remarks>
internal sealed class KeySessions
{
    /// <summary>RFC 9110 §10.2.3: when a running session ends cannot be known, so a client is told to try again soon.</summary>
    public const int RetryAfterSeconds = 1;

    private readonly ConcurrentDictionary<string, StrongBox<int>> _running = new(StringComparer.Ordinal);

    /// <summary>Each key's sessions running now, by name.</summary>
    public IEnumerable<KeyValuePair<string, int>> Running =>
        _running.Select(r => KeyValuePair.Create(r.Key, Volatile.Read(ref r.Value.Value)));

    /// <summary>Counts one more session of <paramref name="key"/> unless it already runs its limit; never more are admitted.</summary>
    public bool TryEnter(ClientKey? key)
    {
        if (key is null)
        {
            return true;
        }
        var running = _running.GetOrAdd(key.Name, static _ => new StrongBox<int>());
        var limit = key.MaxConcurrentSessions ?? int.MaxValue;
        int seen;
        do
        {
            seen = Volatile.Read(ref running.Value);
            if (seen >= limit)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref running.Value, seen + 1, seen) != seen);
        return true;
    }

    /// <summary>Ends a session that <see cref="TryEnter"/> admitted.</summary>
    public void Exit(ClientKey? key)
    {
        if (key is not null)
        {
            Interlocked.Decrement(ref _running[key.Name].Value);
        }
    }

    public static string Refusal(ClientKey key) => $"Too many concurrent sessions for this key: it may run {key.MaxConcurrentSessions} at once";
}
