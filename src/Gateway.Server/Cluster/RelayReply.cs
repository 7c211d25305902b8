namespace Gateway.Server.Cluster;

/// <summary>How a relay answer ended, wherever its session runs; <c>gateway_cluster_relays_forwarded_total</c> counts forwarded ones by it.</summary>
internal enum RelayOutcome : byte
{
    Answered,
    SessionNotFound,
    RelayNotFound,

    /// <summary>The owner refused the answer itself (SPEC §4: <c>response.approved</c> missing): 400.</summary>
    Invalid,

    /// <summary>Redis is unreachable, or the owner does not listen (it died and its registration has not expired yet): 503.</summary>
    Unavailable,

    /// <summary>The owner did not answer within CLUSTER_RELAY_TIMEOUT_SECONDS: 504.</summary>
    TimedOut,
}

/// <summary>The answer to a relay, with the 400's message when <see cref="Outcome"/> is <see cref="RelayOutcome.Invalid"/>.</summary>
internal readonly record struct RelayReply(RelayOutcome Outcome, string? Error = null)
{
    public static RelayReply Answered => new(RelayOutcome.Answered);

    public static RelayReply SessionNotFound => new(RelayOutcome.SessionNotFound);

    public static RelayReply RelayNotFound => new(RelayOutcome.RelayNotFound);

    public static RelayReply Unavailable => new(RelayOutcome.Unavailable);

    public static RelayReply TimedOut => new(RelayOutcome.TimedOut);

    public static RelayReply Invalid(string message) => new(RelayOutcome.Invalid, message);
}
