using Gateway.Server.Diagnostics;

namespace Gateway.Server.Agents;

internal sealed partial class AgentOrchestrator
{
    /// <summary>The directory made for this session under WORKSPACE_MODE=session, until it is removed; null in shared mode.</summary>
    private string? _ownWorkspace;

    /// <summary>Gives the session its workspace: WORKSPACE_ROOT itself, or a fresh directory under it named after the session; false when that cannot be made.</summary>
    private bool BeginWorkspace()
    {
        if (options.WorkspaceMode == WorkspaceMode.Shared)
        {
            ToolContext.Begin(options.WorkspaceRoot);
            return true;
        }
        var path = Path.Join(options.WorkspaceRoot, SessionId);
        try
        {
            // The umask's mode, as for WORKSPACE_ROOT itself, whose own mode decides who else may look in.
            Directory.CreateDirectory(path);
            // Set first: EndWorkspace, which the pool runs either way, removes a directory that could not be given to the sandbox's uid.
            _ownWorkspace = path;
            ToolContext.BeginOwn(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var line = log.Line(LogLevel.Error, "Cannot create the session's workspace.");
            line.Add("session_id"u8, SessionId);
            line.Add("path"u8, path);
            line.Write(e);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Removes the session's own directory (unless WORKSPACE_KEEP) once its work has stopped or was given up on: one attempt,
    /// a failure is logged and the directory left behind. Symbolic links inside are removed, not followed.
    /// </summary>
    public void EndWorkspace()
    {
        ToolContext.End();
        if (_ownWorkspace is not { } path)
        {
            return;
        }
        _ownWorkspace = null;
        if (options.KeepWorkspaces)
        {
            return;
        }
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // The session's own commands removed it.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var line = log.Line(LogLevel.Warning, "Cannot remove the session's workspace.");
            line.Add("session_id"u8, SessionId);
            line.Add("path"u8, path);
            line.Write(e);
        }
    }
}
