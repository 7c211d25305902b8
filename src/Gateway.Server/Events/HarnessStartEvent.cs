namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5).

/// <summary>The first event of every agent run.</summary>
[ServerEvent("harness_start")]
internal readonly partial struct HarnessStartEvent
{
    public required string RunId { get; init; }
    public required string AgentId { get; init; }
    public string? ParentId { get; init; }
    public int? Depth { get; init; }
    public int? MaxIterations { get; init; }
}
