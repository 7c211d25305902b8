namespace Gateway.Server.Conversation;

/// <summary>Token counts of one model call, or a sum of them.</summary>
internal readonly record struct TokenUsage(long InputTokens, long OutputTokens, long? CacheReadTokens = null, long? CacheCreationTokens = null)
{
    public static TokenUsage operator +(TokenUsage a, TokenUsage b) => new(
        a.InputTokens + b.InputTokens,
        a.OutputTokens + b.OutputTokens,
        Sum(a.CacheReadTokens, b.CacheReadTokens),
        Sum(a.CacheCreationTokens, b.CacheCreationTokens));

    private static long? Sum(long? a, long? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);
}
