namespace Gateway.Server.Agents.Permissions;

internal enum PermissionVerdict : byte
{
    Allow,
    Deny,
    Ask,
}

/// <summary>What the permissions say about one tool call; a denial may carry a reason.</summary>
internal readonly record struct PermissionDecision(PermissionVerdict Verdict, string? Reason = null);
