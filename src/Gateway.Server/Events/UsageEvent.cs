namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5). parentId and agentId are
// omitted only by /summarize, whose one model call belongs to no agent (SPEC §3).

/// <summary>Token counts of one model call, after its stream.</summary>
[ServerEvent("usage")]
internal readonly partial struct UsageEvent
{
    public required string RunId { get; init; }
    public string? ParentId { get; init; }
    public required long InputTokens { get; init; }
    public required long OutputTokens { get; init; }
    public long? CacheReadTokens { get; init; }
    public long? CacheCreationTokens { get; init; }
    public string? AgentId { get; init; }
}
