using Gateway.Tools;

namespace Gateway.Server.Conversation;

/// <summary>One message of the conversation (SPEC §3), in the provider-neutral shape the agent loop keeps.</summary>
/// <param name="Content">The content parts; a plain string content is one text part; an assistant's null content is empty.</param>
/// <param name="ToolCalls">The assistant's tool calls; empty otherwise.</param>
/// <param name="ToolCallId">For a tool message, the raw provider id of the call it answers.</param>
internal sealed record ChatMessage(ChatRole Role, IReadOnlyList<ContentPart> Content, IReadOnlyList<ToolCallRequest> ToolCalls, string? ToolCallId = null)
{
    /// <summary>An assistant message's reasoning items, in the order the model produced them, for the API that wrote them.</summary>
    public IReadOnlyList<ReasoningItem> Reasoning { get; init; } = [];

    /// <summary>A tool message that reports the tool's failure (a Messages caller's <c>is_error</c>); only an Anthropic upstream reads it.</summary>
    public bool IsError { get; init; }

    /// <summary>A tool message's <c>cache_control</c> from a Messages caller's <c>tool_result</c> block; only an Anthropic upstream reads it.</summary>
    public RawJson? CacheControl { get; init; }

    public static ChatMessage System(string text) => new(ChatRole.System, [ContentPart.FromText(text)], []);

    public static ChatMessage User(string text) => new(ChatRole.User, [ContentPart.FromText(text)], []);

    public static ChatMessage Assistant(string text, IReadOnlyList<ToolCallRequest> toolCalls, IReadOnlyList<ReasoningItem>? reasoning = null) =>
        new(ChatRole.Assistant, text.Length == 0 ? [] : [ContentPart.FromText(text)], toolCalls) { Reasoning = reasoning ?? [] };

    public static ChatMessage ToolResult(string toolCallId, IReadOnlyList<ContentPart> content) => new(ChatRole.Tool, content, [], toolCallId);

    /// <summary>The text parts joined, for providers and prompts that take plain text.</summary>
    public string Text => string.Concat(Content.Where(p => p.Kind == ContentPartKind.Text).Select(p => p.Text));
}
