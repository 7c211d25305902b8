namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5).

/// <summary>A failure: inside a run it carries the run's ids; a failure of the session carries only the message.</summary>
[ServerEvent("error")]
internal readonly partial struct ErrorEvent
{
    public string? RunId { get; init; }
    public string? AgentId { get; init; }
    public string? ParentId { get; init; }
    public required string Message { get; init; }
}
