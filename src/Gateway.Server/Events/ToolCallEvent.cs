using Gateway.Tools;

namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5).

/// <summary>A tool call that will run (after permission).</summary>
[ServerEvent("tool_call")]
internal readonly partial struct ToolCallEvent
{
    public required string RunId { get; init; }
    public required string Id { get; init; }
    public string? ParentId { get; init; }
    public required string Name { get; init; }
    public required RawJson Input { get; init; }
    public required string AgentId { get; init; }
}
