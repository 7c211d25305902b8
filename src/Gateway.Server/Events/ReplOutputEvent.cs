namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5, §8).

/// <summary>RLM mode: how one REPL turn ended; same <c>id</c> as its <c>repl_input</c>.</summary>
[ServerEvent("repl_output")]
internal readonly partial struct ReplOutputEvent
{
    public required string RunId { get; init; }
    public required string Id { get; init; }
    public string? ParentId { get; init; }

    /// <summary>The turn's printed lines, cut at 4,000 characters.</summary>
    public required string Stdout { get; init; }

    public string? Error { get; init; }

    /// <summary>The code called FINAL or FINAL_VAR and nothing failed after it.</summary>
    public required bool Done { get; init; }

    public required int Iteration { get; init; }

    /// <summary>Wall time of the turn, host waits included.</summary>
    public required long DurationMs { get; init; }

    /// <summary>Present (true) only when <see cref="Stdout"/> was cut.</summary>
    public bool? Truncated { get; init; }

    public required string AgentId { get; init; }
}
