namespace Gateway.Server.Conversation;

/// <summary>
/// A model's reasoning as its API wants it back in the next turn's history: Anthropic requires the last tool-use turn's
/// thinking blocks with their signatures (docs.anthropic.com/en/docs/build-with-claude/extended-thinking), and the
/// Responses API without storage needs its encrypted reasoning items (store:false).
/// </summary>
/// <param name="Text">The thinking text, or the reasoning summary; null when there is none.</param>
/// <param name="Signature">An Anthropic thinking block's signature.</param>
/// <param name="RedactedData">An Anthropic redacted_thinking block's data.</param>
/// <param name="EncryptedContent">A Responses API reasoning item's encrypted_content.</param>
internal sealed record ReasoningItem(ReasoningSource Source, string? Text, string? Signature = null, string? RedactedData = null, string? EncryptedContent = null);
