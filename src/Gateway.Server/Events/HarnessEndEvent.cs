namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5).

/// <summary>The last event of every agent run, also after errors.</summary>
[ServerEvent("harness_end")]
internal readonly partial struct HarnessEndEvent
{
    public required string RunId { get; init; }
    public required string AgentId { get; init; }
    public string? ParentId { get; init; }
    public string? Reason { get; init; }
    public int? Iterations { get; init; }
    public UsagePayload? TotalUsage { get; init; }
}
