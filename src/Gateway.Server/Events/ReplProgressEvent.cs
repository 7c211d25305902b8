namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5, §8).

/// <summary>RLM mode: live output of a running REPL turn (console, exec, status lines), coalesced; <c>id</c> is its turn's <c>repl_input</c> id.</summary>
[ServerEvent("repl_progress")]
internal readonly partial struct ReplProgressEvent
{
    public required string RunId { get; init; }
    public required string Id { get; init; }
    public string? ParentId { get; init; }
    public required Utf8Text Chunk { get; init; }

    /// <summary><c>stdout</c> or <c>stderr</c>.</summary>
    public required string Stream { get; init; }

    public required string AgentId { get; init; }
}
