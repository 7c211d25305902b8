namespace Gateway.Server.Mcp;

/// <summary>How long a failed server waits before its next start: 1 s doubling up to MCP_RESTART_MAX_SECONDS, ±20 %.</summary>
internal static class McpBackoff
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);

    /// <summary>A server ready this long counts as well again: its next failure waits <see cref="First"/> again.</summary>
    public static readonly TimeSpan Recovered = TimeSpan.FromSeconds(60);

    /// <param name="failures">Failures in a row before this one (0 for the first).</param>
    /// <param name="jitter">A number in [0, 1): spreads servers that failed together (the same dead network) apart.</param>
    public static TimeSpan Delay(int failures, TimeSpan max, double jitter)
    {
        var doubled = First * Math.Pow(2, Math.Min(failures, 30));
        return (doubled < max ? doubled : max) * (0.8 + (0.4 * jitter));
    }
}
