using System.Text;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Primitives;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints;

/// <summary>
/// The limits of a client's key that need the request's body or outlive it, checked alike for a <c>/chat</c> session
/// and a <c>/v1</c> completion: its <c>models</c> (counted here, decided by the parsers), its <c>tokensPerDay</c> and its
/// <c>maxConcurrentSessions</c>.
/// </summary>
internal sealed class KeyLimits(KeySessions sessions, KeyTokens tokens, KeyMetrics metrics)
{
    public KeySessions Sessions => sessions;

    /// <summary>Admits one session or completion of <paramref name="key"/>, which <see cref="Exit"/> must end, or says why not.</summary>
    /// <param name="budget">The tokens the admitted request spends from; null when no key pays for it.</param>
    /// <param name="refusal">The 429's message and <c>Retry-After</c> when refused.</param>
    public bool TryEnter(ClientKey? key, out ITokenBudget? budget, out KeyRefusalAnswer refusal)
    {
        refusal = default;
        // Tokens first: a key that has used its day's tokens must not hold a session slot while it is refused.
        if (!tokens.TryAdmit(key, out budget, out var untilTomorrow))
        {
            refusal = new KeyRefusalAnswer(KeyTokens.Refusal(key!), untilTomorrow);
            return false;
        }
        if (!sessions.TryEnter(key))
        {
            metrics.For(key!.Name).Refused(KeyRefusal.Sessions);
            refusal = new KeyRefusalAnswer(KeySessions.Refusal(key), KeySessions.RetryAfterSeconds);
            return false;
        }
        return true;
    }

    public void Exit(ClientKey? key) => sessions.Exit(key);

    /// <summary>Counts a 403 for a model the key may not use.</summary>
    public void RefusedModel(ClientKey? key)
    {
        if (key is not null)
        {
            metrics.For(key.Name).Refused(KeyRefusal.Model);
        }
    }
}

/// <summary>A key's limit refused a request: 429 with this message, and <c>Retry-After</c> (RFC 9110 §10.2.3).</summary>
internal readonly record struct KeyRefusalAnswer(string Message, int RetryAfterSeconds)
{
    public byte[] RetryAfterLine => Encoding.ASCII.GetBytes($"Retry-After: {RetryAfterSeconds}\r\n");
}
