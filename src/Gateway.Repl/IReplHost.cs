namespace Gateway.Repl;

/// <summary>What <c>exec</c> hands back to the script as <c>{stdout, stderr, exitCode}</c>.</summary>
public readonly record struct ReplExecResult(string Stdout, string Stderr, int ExitCode);

/// <summary>
/// What the REPL's functions call out to; implemented by the server's RLM run. The REPL calls these from its own
/// thread and blocks on the task with its JS clock paused.
/// </summary>
public interface IReplHost
{
    /// <summary><c>llm_query(prompt, context?)</c>, after the REPL checked the prompt's length.</summary>
    Task<string> LlmQueryAsync(string prompt, string? context, CancellationToken token);

    /// <summary><c>exec(command, timeout?)</c>.</summary>
    Task<ReplExecResult> ExecAsync(string command, double? timeoutSeconds, CancellationToken token);

    /// <summary>Output as it is printed: one call per line, the line plus <c>"\n"</c>.</summary>
    void Progress(string chunk, ReplStream stream);
}

/// <summary>A failure the script sees as a JS <c>Error</c> it can catch (exec denied, llm_query failed, ...).</summary>
public sealed class ReplHostException(string message) : Exception(message);
