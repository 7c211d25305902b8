namespace Gateway.Server.Diagnostics.Metrics;

/// <summary>How a /chat session ended, as <c>gateway_sessions_total</c> counts it.</summary>
internal enum SessionOutcome
{
    /// <summary>The root agent answered.</summary>
    Completed,

    /// <summary>A model call failed, or the session failed as a whole (the server stopping, a bug).</summary>
    Error,

    /// <summary>The client left or stopped reading.</summary>
    Disconnected,

    /// <summary>The root agent reached maxIterations and summed up (SPEC §6).</summary>
    MaxIterations,
}

internal static class SessionOutcomeNames
{
    /// <summary>Indexed by outcome: its label in /metrics and its name in the session's log line.</summary>
    public static readonly string[] All = ["completed", "error", "disconnected", "max_iterations"];

    public static string Of(SessionOutcome outcome) => All[(int)outcome];
}
