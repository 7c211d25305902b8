using Gateway.Server.Agents.Permissions;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;

namespace Gateway.Server.Agents;

/// <summary>A validated POST /chat request (SPEC §3), with its model already resolved to a provider.</summary>
internal sealed record ChatRequest(
    IModelProvider Provider,
    string ProviderModel,
    IReadOnlyList<ChatMessage> Messages,
    PermissionSet Permissions,
    int MaxIterations,
    int MaxDepth)
{
    /// <summary>The tokens of the client's key (tokensPerDay): every model call of the session spends from it; null when no key pays.</summary>
    public ITokenBudget? Budget { get; init; }

    /// <summary>Whether the root agent's first model turn may, must or must not call a tool (SPEC §3 <c>toolChoice</c>); later turns are auto.</summary>
    public ToolChoice ToolChoice { get; init; }

    /// <summary>Asks every model turn of the session to reason first (SPEC §3 <c>reasoningEffort</c>); null: no request.</summary>
    public ReasoningEffort? ReasoningEffort { get; init; }

    /// <summary>The agent loop, or RLM mode (SPEC §8).</summary>
    public ChatMode Mode { get; init; }

    /// <summary>RLM mode: the REPL's <c>context</c> string; "" when the request has none (the origin's default).</summary>
    public string Context { get; init; } = "";

    /// <summary>RLM mode: where <c>exec</c> runs; null: the session's workspace.</summary>
    public string? ExecCwd { get; init; }
}
