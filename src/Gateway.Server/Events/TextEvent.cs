namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5).

/// <summary>A text delta of one model turn.</summary>
[ServerEvent("text")]
internal readonly partial struct TextEvent
{
    public required string RunId { get; init; }
    public required string Id { get; init; }
    public required string ParentId { get; init; }
    public required Utf8Text Content { get; init; }
    public required string AgentId { get; init; }
}
