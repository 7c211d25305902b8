using System.Text.Json;

namespace Gateway.Server.Agents.Permissions;

/// <summary>The permissions of one session (SPEC §6), shared by its agent and all its subagents.</summary>
/// <remarks>Checked in the order deny, allow, ask. Agents of a session run concurrently, so every access takes the lock.</remarks>
internal sealed class SessionPermissions
{
    private readonly Lock _gate = new();
    private readonly List<PermissionRule> _allowlist = [];
    private readonly List<PermissionRule> _allowOnce = [];
    private readonly List<PermissionRule> _denyRules = [];
    private readonly Dictionary<string, string?> _deniedCallIds = new(StringComparer.Ordinal);

    public void Load(PermissionSet permissions)
    {
        lock (_gate)
        {
            _allowlist.AddRange(permissions.Allowlist);
            _allowOnce.AddRange(permissions.AllowOnce);
            _denyRules.AddRange(permissions.DenyRules);
            foreach (var (id, reason) in permissions.DeniedCallIds)
            {
                _deniedCallIds[id] = reason;
            }
        }
    }

    public PermissionDecision Decide(string tool, string rawCallId, JsonElement arguments)
    {
        lock (_gate)
        {
            if (_deniedCallIds.TryGetValue(rawCallId, out var idReason))
            {
                return new(PermissionVerdict.Deny, idReason);
            }
            if (_denyRules.Find(r => r.Matches(tool, arguments)) is { } deny)
            {
                return new(PermissionVerdict.Deny, deny.Reason);
            }
            if (_allowlist.Exists(r => r.Matches(tool, arguments)))
            {
                return new(PermissionVerdict.Allow);
            }
            // allowOnce is consumed by its first match [Gateway].
            var once = _allowOnce.FindIndex(r => r.Matches(tool, arguments));
            if (once >= 0)
            {
                _allowOnce.RemoveAt(once);
                return new(PermissionVerdict.Allow);
            }
            return new(PermissionVerdict.Ask);
        }
    }

    /// <summary>Adds a rule derived from an "always" answer; later calls of every agent of the session match it.</summary>
    public void AllowAlways(PermissionRule rule)
    {
        lock (_gate)
        {
            _allowlist.Add(rule);
        }
    }

    /// <summary>Bytes of the rule lists' backing arrays (references), what a pooled session keeps.</summary>
    public int RetainedBytes
    {
        get
        {
            lock (_gate)
            {
                return IntPtr.Size * (_allowlist.Capacity + _allowOnce.Capacity + _denyRules.Capacity + _deniedCallIds.Capacity);
            }
        }
    }

    /// <summary>Forgets every rule and gives back the lists' arrays: a request's many rules must not stay with a pooled orchestrator.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _allowlist.Clear();
            _allowlist.TrimExcess();
            _allowOnce.Clear();
            _allowOnce.TrimExcess();
            _denyRules.Clear();
            _denyRules.TrimExcess();
            _deniedCallIds.Clear();
            _deniedCallIds.TrimExcess();
        }
    }
}
