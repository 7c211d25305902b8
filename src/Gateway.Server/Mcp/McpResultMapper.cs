using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Tools;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Mcp;

/// <summary>
/// A tools/call result (MCP 2025-11-25) as a tool result: text for the model's context, images (and PDFs) as the result's
/// media items, which the next model request carries as content parts; only media may be in that list (ToolOutputs).
/// </summary>
internal static class McpResultMapper
{
    /// <summary>Context beyond this is cut: the model's window is the limit, not the server's output.</summary>
    public const int MaxContextLength = 100_000;

    public static ToolResult Map(CallToolResult result)
    {
        var context = new StringBuilder();
        var media = new ArrayBufferWriter<byte>();
        var mediaCount = 0;
        using (var json = new Utf8JsonWriter(media, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartArray();
            foreach (var block in result.Content)
            {
                if (Media(block) is var (type, mediaType, base64))
                {
                    json.WriteStartObject();
                    json.WriteString("type"u8, type);
                    json.WriteString("mediaType"u8, mediaType);
                    json.WriteString("data"u8, base64.Span);
                    json.WriteEndObject();
                    mediaCount++;
                }
                else
                {
                    context.Append(context.Length > 0 ? "\n" : "").Append(Text(block));
                }
            }
            json.WriteEndArray();
        }

        if (result.IsError == true)
        {
            return ToolResult.Failure(context.Length > 0 ? context.ToString() : "the tool reported an error and no message");
        }
        RawJson? value = mediaCount > 0 ? RawJson.Parse(media.WrittenSpan)
            : result.StructuredContent is { } structured ? RawJson.FromElement(structured)
            : null;
        return ToolResult.Success(Cut(context), value);
    }

    /// <summary>A block the model takes as a part of its own (SPEC §7 read: images and PDFs), or null.</summary>
    private static (string Type, string MediaType, ReadOnlyMemory<byte> Base64)? Media(ContentBlock block) => block switch
    {
        ImageContentBlock image => ("image", image.MimeType, image.Data),
        EmbeddedResourceBlock { Resource: BlobResourceContents { MimeType: { } mimeType } blob } when MediaKind(mimeType) is { } kind => (kind, mimeType, blob.Blob),
        _ => null,
    };

    private static string? MediaKind(string mimeType) =>
        mimeType == "application/pdf" ? "document" : mimeType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? "image" : null;

    /// <summary>What the model reads of a block that is not media.</summary>
    private static string Text(ContentBlock block) => block switch
    {
        TextContentBlock text => text.Text,
        AudioContentBlock audio => $"[audio {audio.MimeType}, {Bytes(audio.Data)} bytes]",
        EmbeddedResourceBlock { Resource: TextResourceContents resource } => $"[resource {resource.Uri}]\n{resource.Text}",
        EmbeddedResourceBlock { Resource: BlobResourceContents blob } => $"[resource {blob.Uri} {blob.MimeType ?? "application/octet-stream"}, {Bytes(blob.Blob)} bytes]",
        ResourceLinkBlock link => $"[link {link.Uri}{(link.Name is { Length: > 0 } name ? " " + name : "")}]",
        _ => $"[{block.Type} content]",
    };

    private static int Bytes(ReadOnlyMemory<byte> base64) => base64.Length / 4 * 3 - (base64.Span.EndsWith("=="u8) ? 2 : base64.Span.EndsWith("="u8) ? 1 : 0);

    private static string Cut(StringBuilder context) => context.Length <= MaxContextLength
        ? context.ToString()
        : context.ToString(0, MaxContextLength) + string.Create(CultureInfo.InvariantCulture, $"\n[cut: {context.Length - MaxContextLength} more characters]");
}
