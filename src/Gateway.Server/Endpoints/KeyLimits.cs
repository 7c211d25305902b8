using System.Diagnostics.CodeAnalysis;
using System.Text;
using Gateway.Server.Cluster;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>
/// The limits of a client's key that need the request's body or outlive it, checked alike for a <c>/chat</c> session
/// and a <c>/v1</c> completion: its <c>models</c> (counted here, decided by the parsers), its <c>tokensPerDay</c> and its
/// <c>maxConcurrentSessions</c>; with REDIS_URL, the last two over every instance together.
/// </summary>
internal sealed class KeyLimits(KeySessions sessions, KeyTokens tokens, KeyMetrics metrics, ICluster cluster)
{
    public KeySessions Sessions => sessions;

    /// <summary>Admits one session or completion of <paramref name="key"/>, which <see cref="Exit"/> must end, or says why not.</summary>
    /// <returns>The budget the admitted request spends from (null when no key pays for it), or the 429's refusal.</returns>
    public ValueTask<KeyAdmission> TryEnterAsync(ClientKey? key)
    {
        // Tokens first: a key that has used its day's tokens must not hold a session slot while it is refused.
        if (!tokens.TryAdmit(key, out var budget, out var untilTomorrow))
        {
            return ValueTask.FromResult(KeyAdmission.Refused(KeyTokens.Refusal(key!), untilTomorrow));
        }
        if (!sessions.TryEnter(key))
        {
            return ValueTask.FromResult(RefuseSessions(key!));
        }
        if (!HasSharedLimits(key))
        {
            return ValueTask.FromResult(KeyAdmission.Admitted(budget));
        }
        var verdict = cluster.EnterKeyAsync(key.Name, key.MaxConcurrentSessions, key.TokensPerDay, KeyTokens.Today(tokens.Clock));
        return verdict.IsCompletedSuccessfully ? ValueTask.FromResult(Decide(key, budget, verdict.Result)) : DecideAsync(key, budget, verdict);
    }

    public void Exit(ClientKey? key)
    {
        sessions.Exit(key);
        if (HasSharedLimits(key))
        {
            cluster.ExitKey(key.Name);
        }
    }

    /// <summary>Only a key with a limit the instances share costs a round trip to Redis.</summary>
    private static bool HasSharedLimits([NotNullWhen(true)] ClientKey? key) => key is not null && (key.MaxConcurrentSessions is not null || key.TokensPerDay is not null);

    private async ValueTask<KeyAdmission> DecideAsync(ClientKey key, ITokenBudget? budget, ValueTask<KeyVerdict> verdict) =>
        Decide(key, budget, await verdict.ConfigureAwait(false));

    /// <summary>The cluster's verdict; a refused request gives back the local slot it took.</summary>
    private KeyAdmission Decide(ClientKey key, ITokenBudget? budget, KeyVerdict verdict)
    {
        if (verdict == KeyVerdict.Admitted)
        {
            return KeyAdmission.Admitted(budget);
        }
        sessions.Exit(key);
        if (verdict == KeyVerdict.SessionsFull)
        {
            return RefuseSessions(key);
        }
        metrics.For(key.Name).Refused(KeyRefusal.Tokens);
        return KeyAdmission.Refused(KeyTokens.Refusal(key), tokens.SecondsUntilTomorrow());
    }

    private KeyAdmission RefuseSessions(ClientKey key)
    {
        metrics.For(key.Name).Refused(KeyRefusal.Sessions);
        return KeyAdmission.Refused(KeySessions.Refusal(key), KeySessions.RetryAfterSeconds);
    }

    /// <summary>Counts a 403 for a model the key may not use.</summary>
    public void RefusedModel(ClientKey? key)
    {
        if (key is not null)
        {
            metrics.For(key.Name).Refused(KeyRefusal.Model);
        }
    }
}

/// <summary>A request admitted with the budget it spends from, or refused by a key's limit (<see cref="Refusal"/> not null).</summary>
internal readonly record struct KeyAdmission(ITokenBudget? Budget, KeyRefusalAnswer? Refusal)
{
    public static KeyAdmission Admitted(ITokenBudget? budget) => new(budget, null);

    public static KeyAdmission Refused(string message, int retryAfterSeconds) => new(null, new KeyRefusalAnswer(message, retryAfterSeconds));
}

/// <summary>A key's limit refused a request: 429 with this message, and <c>Retry-After</c> (RFC 9110 §10.2.3).</summary>
internal readonly record struct KeyRefusalAnswer(string Message, int RetryAfterSeconds)
{
    public byte[] RetryAfterLine => Encoding.ASCII.GetBytes($"Retry-After: {RetryAfterSeconds}\r\n");
}
