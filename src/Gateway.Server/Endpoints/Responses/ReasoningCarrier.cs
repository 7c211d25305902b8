using Gateway.Server.Conversation;

namespace Gateway.Server.Endpoints.Responses;

/// <summary>
/// A <see cref="ReasoningItem"/> as a Responses API <c>reasoning</c> item, whose <c>encrypted_content</c> the caller
/// hands back unread: an OpenAI item's own, or an Anthropic thinking block's signature (redacted thinking's data)
/// behind a prefix of the gateway's, so a caller that keeps no state (<c>store:false</c>) still gives an Anthropic
/// model the thinking it requires back with its tool results (docs.anthropic.com/en/docs/build-with-claude/extended-thinking).
/// </summary>
internal static class ReasoningCarrier
{
    private const string ThinkingPrefix = "gateway.anthropic.thinking:";
    private const string RedactedPrefix = "gateway.anthropic.redacted:";

    /// <summary>The item's <c>encrypted_content</c>, or null when it has none.</summary>
    public static string? EncryptedContent(ReasoningItem item) => item.Source switch
    {
        ReasoningSource.AnthropicThinking when item.Signature is { } signature => ThinkingPrefix + signature,
        ReasoningSource.AnthropicRedacted => RedactedPrefix + item.RedactedData,
        _ => item.EncryptedContent,
    };

    /// <param name="summary">The item's summary texts, joined.</param>
    /// <returns>The item; null without <c>encrypted_content</c>, which no API can take back (a summary alone proves nothing).</returns>
    public static ReasoningItem? Read(string? summary, string? encryptedContent)
    {
        if (encryptedContent is null)
        {
            return null;
        }
        if (encryptedContent.StartsWith(ThinkingPrefix, StringComparison.Ordinal))
        {
            return new ReasoningItem(ReasoningSource.AnthropicThinking, summary, Signature: encryptedContent[ThinkingPrefix.Length..]);
        }
        if (encryptedContent.StartsWith(RedactedPrefix, StringComparison.Ordinal))
        {
            return new ReasoningItem(ReasoningSource.AnthropicRedacted, null, RedactedData: encryptedContent[RedactedPrefix.Length..]);
        }
        return new ReasoningItem(ReasoningSource.OpenAiResponses, summary, EncryptedContent: encryptedContent);
    }
}
