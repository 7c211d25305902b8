namespace Gateway.Tools;

/// <summary>Where a running tool reports its live output (SPEC §5 <c>tool_progress</c>); the agent loop coalesces it.</summary>
/// <remarks>Called from any thread, possibly concurrently for two streams; must not block.</remarks>
public interface IToolProgress
{
    /// <summary>Output as it arrived: raw UTF-8, possibly cutting a character in two.</summary>
    void Report(ReadOnlySpan<byte> utf8, ToolOutputStream stream);
}
