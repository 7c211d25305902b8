namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5, §8).

/// <summary>RLM mode: the code of one REPL turn, before it runs.</summary>
[ServerEvent("repl_input")]
internal readonly partial struct ReplInputEvent
{
    public required string RunId { get; init; }
    public required string Id { get; init; }
    public string? ParentId { get; init; }
    public required string Code { get; init; }

    /// <summary>The zero-based loop index of the turn (the origin's <c>iteration</c>).</summary>
    public required int Iteration { get; init; }

    public required string AgentId { get; init; }
}
