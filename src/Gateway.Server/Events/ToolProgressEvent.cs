using Gateway.Tools;

namespace Gateway.Server.Events;

// Property order is wire order (SPEC §5).

/// <summary>Live output of a running tool, coalesced; the call's <c>tool_result</c> follows unchanged.</summary>
/// <remarks><c>content</c> is any JSON: for <c>bash</c> a string of stdout and stderr as they arrived.</remarks>
[ServerEvent("tool_progress")]
internal readonly partial struct ToolProgressEvent
{
    public required string RunId { get; init; }
    public required string ToolCallId { get; init; }
    public required string Name { get; init; }
    public required RawJson Content { get; init; }
    public required string AgentId { get; init; }
}
