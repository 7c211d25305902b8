using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Repl;
using Gateway.Server.Agents.Permissions;
using Gateway.Tools;
using Gateway.Tools.BuiltIn;

namespace Gateway.Server.Agents.Rlm;

/// <summary>Who is calling <c>exec</c>, and where its output goes while it runs.</summary>
/// <param name="ParentId">The run's parentId (absent for the root), which the relay carries.</param>
/// <param name="Progress">Output chunks as they arrive (raw UTF-8, a character possibly cut in two), and the <c>[exec]</c> status lines.</param>
internal readonly record struct RlmExecCall(string RunId, string AgentId, string? ParentId, Action<ReadOnlySpan<byte>, ReplStream> Progress);

/// <summary>
/// <c>exec(command, timeout?)</c> of one RLM run (SPEC §8): gated as a tool named <c>exec</c> with param <c>command</c>,
/// then <c>sh -c</c> in <c>execCwd</c> exactly as <c>bash</c> runs (process group, output caps, sandbox).
/// </summary>
/// <param name="execCwd">The request's <c>execCwd</c>; null: the session's workspace.</param>
internal sealed class RlmExec(AgentOrchestrator session, string? execCwd)
{
    /// <summary>The tool name rules and relays use (the origin's).</summary>
    private const string ToolName = "exec";

    /// <summary>The origin's default (<c>config.execTimeout ?? 10</c>).</summary>
    private const double DefaultTimeout = 10;

    /// <summary>As <c>bash</c>'s own bound (SPEC §7).</summary>
    private const double MaxTimeout = 600;

    /// <summary>Calls so far; the REPL makes one at a time.</summary>
    private int _calls;

    /// <exception cref="ReplHostException">Denied, a bad timeout or working directory, or the shell could not start: the script sees an Error.</exception>
    public async Task<ReplExecResult> RunAsync(string command, double? timeoutSeconds, RlmExecCall call, CancellationToken cancellationToken)
    {
        var timeout = timeoutSeconds ?? DefaultTimeout;
        if (!(timeout is > 0 and <= MaxTimeout))
        {
            throw new ReplHostException(string.Create(CultureInfo.InvariantCulture, $"exec timeout must be more than 0 and at most {MaxTimeout} seconds (got {timeout})"));
        }
        var context = session.ToolContext;
        var directory = WorkingDirectory(context);
        await GateAsync(command, call, cancellationToken).ConfigureAwait(false);
        ShellResult result;
        try
        {
            result = await ShellCommand.RunAsync(context, command, directory, timeout, new Output(call.Progress), cancellationToken).ConfigureAwait(false);
        }
        catch (ShellStartException e)
        {
            throw new ReplHostException($"exec failed: {e.Message}");
        }
        if (!result.TimedOut)
        {
            return new ReplExecResult(result.Stdout, result.Stderr, result.ExitCode);
        }
        call.Progress(Encoding.UTF8.GetBytes(RlmStatusLines.ExecTimedOut(timeout)), ReplStream.Stderr);
        // The origin's result for a killed command.
        return new ReplExecResult("", string.Create(CultureInfo.InvariantCulture, $"exec timeout: killed after {timeout}s"), result.ExitCode);
    }

    /// <summary>SPEC §6 for the call <c>{"command": …}</c>; an "always" approval allows the command's first word from then on, as for <c>bash</c>.</summary>
    private async Task GateAsync(string command, RlmExecCall call, CancellationToken cancellationToken)
    {
        var rawCallId = $"exec-{++_calls}";
        var arguments = RawJson.Parse([.. "{\"command\":"u8, .. RawJson.FromString(command).Utf8.Span, .. "}"u8]);
        using var view = JsonDocument.Parse(arguments.Utf8);
        var decision = await PermissionGate.DecideAsync(
            session, call.RunId, call.ParentId, call.AgentId, new GatedCall(ToolName, rawCallId, $"{call.RunId}/{rawCallId}", arguments, view.RootElement),
            () => PermissionRule.DeriveAlways(ToolName, view.RootElement), cancellationToken).ConfigureAwait(false);
        if (decision.Verdict == PermissionVerdict.Deny)
        {
            // The origin's text, which the model sees as the Error's message.
            throw new ReplHostException($"exec denied: {decision.Reason ?? "permission denied"}");
        }
    }

    /// <summary><c>execCwd</c> (relative to the workspace), else the workspace; under the sandbox only the workspace is bound, so it must lie inside.</summary>
    private string WorkingDirectory(ToolContext context)
    {
        if (execCwd is null)
        {
            return context.WorkspaceRoot;
        }
        if (context.Sandbox is not null)
        {
            return WorkspacePaths.TryResolve(context, execCwd, out var inside, out _) && Directory.Exists(inside)
                ? inside
                : throw new ReplHostException($"exec failed: execCwd must be a directory inside the workspace when commands run in the sandbox: {execCwd}");
        }
        var directory = Path.GetFullPath(execCwd, context.WorkspaceRoot);
        return Directory.Exists(directory) ? directory : throw new ReplHostException($"exec failed: execCwd is not a directory: {execCwd}");
    }

    /// <summary>Hands the command's output on with the REPL's stream names.</summary>
    private sealed class Output(Action<ReadOnlySpan<byte>, ReplStream> progress) : IToolProgress
    {
        public void Report(ReadOnlySpan<byte> utf8, ToolOutputStream stream) =>
            progress(utf8, stream == ToolOutputStream.Stdout ? ReplStream.Stdout : ReplStream.Stderr);
    }
}
