namespace Gateway.Server.Agents;

/// <summary>The client's key has used its tokens for the day (tokensPerDay): the session ends as a whole after the turn that used them.</summary>
internal sealed class TokenBudgetSpentException()
    : Exception("Token budget spent: this key has used its tokens for the day (UTC); the session ends here");
