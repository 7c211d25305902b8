namespace Gateway.Server.Agents;

/// <summary>Where a session's tools work (WORKSPACE_MODE, issue 14).</summary>
internal enum WorkspaceMode
{
    /// <summary>Every session works in WORKSPACE_ROOT itself.</summary>
    Shared,

    /// <summary>Each session works in a fresh directory under WORKSPACE_ROOT, named after the session and removed when it ends.</summary>
    Session,
}
