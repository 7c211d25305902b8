namespace Gateway.Tools;

/// <summary>Progress sinks every caller may use.</summary>
public static class ToolProgress
{
    /// <summary>Drops every report: for callers that show no live output.</summary>
    public static IToolProgress None { get; } = new Nothing();

    private sealed class Nothing : IToolProgress
    {
        public void Report(ReadOnlySpan<byte> utf8, ToolOutputStream stream)
        {
        }
    }
}
