namespace Gateway.Server.Providers;

/// <summary>
/// The tokens a client's key may still use (GATEWAY_KEYS_FILE's <c>tokensPerDay</c>): every model call it pays for
/// spends its usage here (<see cref="ModelCall"/>), and an agent loop stops after the turn that spent the rest.
/// </summary>
internal interface ITokenBudget
{
    /// <summary>Whether the key has used all its tokens for now; always false for a key without a token limit.</summary>
    bool IsSpent { get; }

    /// <summary>Counts one call's usage: the input it was billed for (cached input included) and its output.</summary>
    void Spend(long inputTokens, long outputTokens);
}
