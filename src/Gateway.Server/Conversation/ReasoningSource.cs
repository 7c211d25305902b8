namespace Gateway.Server.Conversation;

/// <summary>Which API produced a <see cref="ReasoningItem"/>: only that API can read it back.</summary>
internal enum ReasoningSource : byte
{
    /// <summary>An Anthropic <c>thinking</c> block: its text and signature.</summary>
    AnthropicThinking,

    /// <summary>An Anthropic <c>redacted_thinking</c> block: its opaque data.</summary>
    AnthropicRedacted,

    /// <summary>An OpenAI Responses API <c>reasoning</c> item: its summary and encrypted content.</summary>
    OpenAiResponses,
}
