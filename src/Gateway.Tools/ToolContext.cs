using System.Collections.Concurrent;

namespace Gateway.Tools;

/// <summary>What a tool may know about the session calling it: the workspace it is confined to and the session's file reads.</summary>
/// <remarks>One per session, shared by its agents and subagents; <see cref="Reset"/> clears it before the next session.</remarks>
public sealed class ToolContext(string workspaceRoot)
{
    /// <summary>The directory tools work in; <c>read</c> and <c>patch</c> refuse paths outside it, <c>bash</c> starts in it.</summary>
    public string WorkspaceRoot { get; private set; } = workspaceRoot;

    /// <summary>Sets the workspace of the session about to start (its own directory under WORKSPACE_MODE=session).</summary>
    public void Begin(string workspaceRoot) => WorkspaceRoot = workspaceRoot;

    /// <summary>
    /// Files read in this session (full resolved path) with their last write time when read: <c>patch</c>
    /// updates or deletes only files read here and unchanged since (SPEC §7).
    /// </summary>
    public ConcurrentDictionary<string, DateTime> ReadFiles { get; } = new(StringComparer.Ordinal);

    public void Reset() => ReadFiles.Clear();
}
