namespace Gateway.Server.Conversation;

/// <summary>One part of a message's content (SPEC §3): text, or a base64 image or document with its media type.</summary>
internal sealed record ContentPart(ContentPartKind Kind, string? Text = null, string? MediaType = null, string? Data = null)
{
    public static ContentPart FromText(string text) => new(ContentPartKind.Text, Text: text);
}
