using Gateway.Tools;

namespace Gateway.Server.Conversation;

/// <summary>
/// One part of a message's content (SPEC §3): text, or a base64 image or document with its media type; or an image by
/// <see cref="Url"/> (an http(s) URL from OpenAI's <c>image_url</c>), which the model's API fetches, never the gateway.
/// </summary>
/// <param name="Detail">OpenAI's <c>image_url.detail</c> (<c>auto</c>, <c>low</c>, <c>high</c>) when the caller gave one.</param>
internal sealed record ContentPart(ContentPartKind Kind, string? Text = null, string? MediaType = null, string? Data = null, string? Url = null, string? Detail = null)
{
    /// <summary>A Messages caller's <c>cache_control</c> on this block, as sent; only an Anthropic upstream reads it.</summary>
    public RawJson? CacheControl { get; init; }

    public static ContentPart FromText(string text) => new(ContentPartKind.Text, Text: text);
}
