using Gateway.Tools;

namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5).

/// <summary>A tool's result, a denial, or an error.</summary>
[ServerEvent("tool_result")]
internal readonly partial struct ToolResultEvent
{
    public required string RunId { get; init; }
    public required string Id { get; init; }
    public string? ParentId { get; init; }
    public required string Name { get; init; }
    public required RawJson Output { get; init; }
    public required string AgentId { get; init; }
}
