using Gateway.Server.Conversation;

namespace Gateway.Server.Providers;

/// <summary>One model call: the provider's own model id, the whole history, and the tools on offer (possibly none).</summary>
internal sealed record ModelTurnRequest(string Model, IReadOnlyList<ChatMessage> Messages, IReadOnlyList<ToolDefinition> Tools)
{
    public TurnOptions Options { get; init; } = TurnOptions.Default;

    /// <summary>The /chat session the call belongs to, which an upstream may key its prompt cache on; null for /v1 calls.</summary>
    public string? SessionId { get; init; }
}
