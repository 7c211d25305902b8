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
            SessionWorkspaces.Create(path);
            // Set first: EndWorkspaceAsync, which the pool runs either way, removes a directory that could not be given to the sandbox's uid.
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
    /// Ends what tools made for the session alone (<see cref="Gateway.Tools.SessionResources"/>: its own MCP server processes), then
    /// removes the session's own directory (unless WORKSPACE_KEEP) once its work has stopped or was given up on: one attempt
    /// on a thread-pool thread, which takes as long as the session made entries; a failure is logged and the directory left
    /// behind. Symbolic links inside are removed, not followed.
    /// </summary>
    public async Task EndWorkspaceAsync()
    {
        // First: a server of the session's may be working in the directory.
        await ToolContext.SessionResources.EndAsync().ConfigureAwait(false);
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
        var sessionId = SessionId;
        await Task.Run(() =>
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (DirectoryNotFoundException) when (!File.Exists(path))
            {
                // The session's own commands removed it (a file in its place is reported below).
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var line = log.Line(LogLevel.Warning, "Cannot remove the session's workspace.");
                line.Add("session_id"u8, sessionId);
                line.Add("path"u8, path);
                line.Write(e);
            }
        }).ConfigureAwait(false);
    }
}
