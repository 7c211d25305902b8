using System.Collections.Concurrent;
using Gateway.Tools.BuiltIn;

namespace Gateway.Tools;

/// <summary>What a tool may know about the session calling it: the workspace it is confined to and the session's file reads.</summary>
/// <remarks>One per session, shared by its agents and subagents; <see cref="Reset"/> clears it before the next session.</remarks>
/// <param name="sandbox">What contains <c>bash</c> (BASH_SANDBOX=bwrap); null runs it unconfined (none).</param>
public sealed class ToolContext(string workspaceRoot, BashSandbox? sandbox = null)
{
    /// <summary>The directory tools work in; <c>read</c> and <c>patch</c> refuse paths outside it, sandboxed <c>bash</c> can write only there.</summary>
    public string WorkspaceRoot { get; private set; } = workspaceRoot;

    public BashSandbox? Sandbox => sandbox;

    /// <summary>The host uid sandboxed <c>bash</c> runs as, which owns what it and <c>patch</c> create; null: the gateway's own.</summary>
    public int? SandboxUser { get; private set; } = sandbox?.UserBase;

    /// <summary>The directory whose other entries (other sessions' directories) the sandbox hides; null in a shared workspace.</summary>
    public string? HiddenRoot { get; private set; }

    /// <summary>
    /// Files read in this session (full resolved path) with their last write time when read: <c>patch</c>
    /// updates or deletes only files read here and unchanged since (SPEC §7).
    /// </summary>
    public ConcurrentDictionary<string, DateTime> ReadFiles { get; } = new(StringComparer.Ordinal);

    /// <summary>What tools made for this session alone; the session's end disposes it (<see cref="SessionResources.EndAsync"/>).</summary>
    public SessionResources SessionResources { get; } = new();

    /// <summary>Sets the shared workspace for the session about to start.</summary>
    public void Begin(string workspaceRoot)
    {
        End();
        WorkspaceRoot = workspaceRoot;
        SessionResources.Begin();
    }

    /// <summary>Sets the session's own fresh <paramref name="directory"/> (WORKSPACE_MODE=session) and gives it to a uid of the session's.</summary>
    /// <exception cref="IOException">The directory cannot be given to that uid.</exception>
    public void BeginOwn(string directory)
    {
        End();
        WorkspaceRoot = directory;
        HiddenRoot = Path.GetDirectoryName(directory);
        SessionResources.Begin();
        if (sandbox?.RentUser() is { } user)
        {
            SandboxUser = user;
            Posix.Chown(directory, user);
        }
    }

    /// <summary>Gives back the session's own uid, once its commands are over.</summary>
    public void End()
    {
        if (sandbox is not null && SandboxUser is { } user && user != sandbox.UserBase)
        {
            sandbox.ReturnUser(user);
        }
        SandboxUser = sandbox?.UserBase;
        HiddenRoot = null;
    }

    public void Reset() => ReadFiles.Clear();
}
