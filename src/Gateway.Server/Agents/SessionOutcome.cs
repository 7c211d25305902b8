namespace Gateway.Server.Agents;

/// <summary>How a /chat session ended, as its log line (and the sessions metric) name it.</summary>
internal enum SessionOutcome : byte
{
    /// <summary>The root agent answered.</summary>
    Completed,

    /// <summary>A model call failed, the server stopped the session, or the gateway failed.</summary>
    Error,

    /// <summary>The client left or stopped reading.</summary>
    Disconnected,

    /// <summary>The root agent used its maxIterations turns and summed up (SPEC §6).</summary>
    MaxIterations,
}

internal static class SessionOutcomeNames
{
    public static string Of(SessionOutcome outcome) => outcome switch
    {
        SessionOutcome.Completed => "completed",
        SessionOutcome.Error => "error",
        SessionOutcome.Disconnected => "disconnected",
        _ => "max_iterations",
    };
}
