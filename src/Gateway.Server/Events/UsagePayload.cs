namespace Gateway.Server.Events;

// Property order is wire order; nullable properties are optional fields (SPEC §5).

/// <summary>The totalUsage object of harness_end.</summary>
[EventPayload]
internal readonly partial struct UsagePayload
{
    public required long InputTokens { get; init; }
    public required long OutputTokens { get; init; }
    public long? CacheReadTokens { get; init; }
    public long? CacheCreationTokens { get; init; }
}
