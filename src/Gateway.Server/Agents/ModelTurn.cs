using Gateway.Server.Conversation;

namespace Gateway.Server.Agents;

/// <summary>What one model call produced once its stream ended.</summary>
internal sealed record ModelTurn(string Text, IReadOnlyList<ToolCallRequest> ToolCalls, TokenUsage Usage, string? Error);
