using Gateway.Tools;

namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5).

/// <summary>A permission request: the agent waits for POST /chat/relay/:relayId.</summary>
[ServerEvent("relay")]
internal readonly partial struct RelayEvent
{
    public string Kind => "permission";
    public required string RunId { get; init; }
    public required string Id { get; init; }
    public string? ParentId { get; init; }
    public required string ToolCallId { get; init; }
    public required string Tool { get; init; }
    public required RawJson Params { get; init; }
    public required string AgentId { get; init; }
}
