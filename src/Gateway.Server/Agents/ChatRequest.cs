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
}
