namespace Gateway.Server.Agents.Permissions;

/// <summary>The <c>permissions</c> object of a /chat request (SPEC §6), parsed.</summary>
internal sealed record PermissionSet(
    IReadOnlyList<PermissionRule> Allowlist,
    IReadOnlyList<PermissionRule> AllowOnce,
    IReadOnlyList<PermissionRule> DenyRules,
    IReadOnlyList<KeyValuePair<string, string?>> DeniedCallIds)
{
    public static PermissionSet Empty { get; } = new([], [], [], []);
}
