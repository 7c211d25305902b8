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
    int MaxDepth);
