#if GATEWAY_RLM
using Gateway.Repl;
#endif
using Gateway.Tools;
using Gateway.Tools.BuiltIn;

namespace Gateway.Server.Agents;

/// <summary>Server-wide settings of the agent loop.</summary>
internal sealed record AgentOptions
{
    /// <summary>A relay unanswered this long is denied with "relay timed out" (SPEC §4).</summary>
    public TimeSpan RelayTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>Idle time after which the stream carries a ": ping" comment (SPEC §5).</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Orchestrators kept for reuse; more may exist at once, the surplus is dropped on return.</summary>
    public int PooledOrchestrators { get; init; } = 256;

    /// <summary>The directory tools work in (WORKSPACE_ROOT); the process's working directory by default.</summary>
    public string WorkspaceRoot { get; init; } = Environment.CurrentDirectory;

    /// <summary>Whether sessions share <see cref="WorkspaceRoot"/> or each get their own directory under it (WORKSPACE_MODE).</summary>
    public WorkspaceMode WorkspaceMode { get; init; } = WorkspaceMode.Shared;

    /// <summary>A session's own directory outlives the session (WORKSPACE_KEEP), for inspection.</summary>
    public bool KeepWorkspaces { get; init; }

    /// <summary>What contains <c>bash</c> (BASH_SANDBOX resolved at start-up to bwrap); null runs it unconfined (none).</summary>
    public BashSandbox? BashSandbox { get; init; }

    /// <summary>Every tool an agent can be offered (SPEC §7): the loop's own <c>agent</c>, then Gateway.Tools' tools by name.</summary>
    public static IReadOnlyList<string> BuiltInToolNames { get; } = [AgentTool.Name, .. GeneratedToolRegistry.Descriptors.Select(d => d.Name)];

    /// <summary>The tools offered to agents (ENABLED_TOOLS); all of <see cref="BuiltInToolNames"/> by default.</summary>
    public IReadOnlySet<string> EnabledTools { get; init; } = BuiltInToolNames.ToHashSet(StringComparer.Ordinal);

    /// <summary>The ENABLED_TOOLS entries that name MCP tools, as names or globs (<c>mcp__github__*</c>); every MCP tool by default.</summary>
    public IReadOnlyList<string> McpToolPatterns { get; init; } = [AllMcpTools];

    /// <summary>The glob of every MCP tool: each is offered as <c>mcp__&lt;server&gt;__&lt;tool&gt;</c>.</summary>
    public const string AllMcpTools = McpToolPrefix + "*";

    /// <summary>What every MCP tool's name starts with, so no MCP tool can take a built-in's name.</summary>
    public const string McpToolPrefix = "mcp__";

    /// <summary>Whether an ENABLED_TOOLS entry names MCP tools (a name or a glob) rather than a built-in tool.</summary>
    public static bool IsMcpToolPattern(string entry) => entry.StartsWith(McpToolPrefix, StringComparison.Ordinal);

    /// <summary>Whether agents may be offered the <c>agent</c> tool at all.</summary>
    public bool SubagentsEnabled => EnabledTools.Contains(AgentTool.Name);

    /// <summary>Sessions that may run at once; beyond it /chat answers 503.</summary>
    public int MaxSessions { get; init; } = 10_000;

    /// <summary>How long an ended session's tools (one that ignores cancellation) may run on before its orchestrator is dropped instead of pooled.</summary>
    public TimeSpan WorkDrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

#if GATEWAY_RLM
    /// <summary>The limits of each REPL turn in RLM mode (RLM_TURN_SECONDS, RLM_MAX_STATEMENTS, RLM_MEMORY_MB).</summary>
    public ReplLimits ReplLimits { get; init; } = ReplLimits.Default;

#endif
    /// <summary>The clock of <see cref="WorkDrainTimeout"/>; tests step a fake one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
