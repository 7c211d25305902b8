namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>How a permission relay was settled (SPEC §4), as <c>gateway_relays_total</c> counts it.</summary>
internal enum RelayDecision
{
    Approved,
    Denied,

    /// <summary>Approved with <c>always</c>: a rule was added for the rest of the session.</summary>
    Always,

    /// <summary>Unanswered within RELAY_TIMEOUT_SECONDS, so denied.</summary>
    TimedOut,
}
