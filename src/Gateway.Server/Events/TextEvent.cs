namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5). parentId and agentId are
// omitted only by /summarize, whose one model call belongs to no agent (SPEC §3).

/// <summary>A text delta of one model turn.</summary>
[ServerEvent("text")]
internal readonly partial struct TextEvent
{
    public required string RunId { get; init; }
    public required string Id { get; init; }
    public string? ParentId { get; init; }
    public required Utf8Text Content { get; init; }
    public string? AgentId { get; init; }
}
