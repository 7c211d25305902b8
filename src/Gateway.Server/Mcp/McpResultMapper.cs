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
        using var json = new Utf8JsonWriter(media, JsonStringEncoder.WriterOptions);
        json.WriteStartArray();
        var mediaCount = 0;
        foreach (var block in result.Content)
        {
            var text = block switch
            {
                TextContentBlock t => t.Text,
                ImageContentBlock image => WriteMedia(json, "image", image.MimeType, image.Data, ref mediaCount),
                AudioContentBlock audio => $"[audio {audio.MimeType}, {Bytes(audio.Data)} bytes]",
                EmbeddedResourceBlock { Resource: TextResourceContents resource } => $"[resource {resource.Uri}]\n{resource.Text}",
                EmbeddedResourceBlock { Resource: BlobResourceContents blob } => MediaKind(blob.MimeType) is { } kind
                    ? WriteMedia(json, kind, blob.MimeType!, blob.Blob, ref mediaCount)
                    : $"[resource {blob.Uri} {blob.MimeType ?? "application/octet-stream"}, {Bytes(blob.Blob)} bytes]",
                ResourceLinkBlock link => $"[link {link.Uri}{(link.Name is { Length: > 0 } name ? " " + name : "")}]",
                _ => $"[{block.Type} content]",
            };
            if (text is not null)
            {
                context.Append(context.Length > 0 ? "\n" : "").Append(text);
            }
        }
        json.WriteEndArray();
        json.Flush();

        if (result.IsError == true)
        {
            return ToolResult.Failure(context.Length > 0 ? context.ToString() : "the tool reported an error and no message");
        }
        RawJson? value = mediaCount > 0 ? RawJson.Parse(media.WrittenSpan)
            : result.StructuredContent is { } structured ? RawJson.FromElement(structured)
            : null;
        return ToolResult.Success(Cut(context), value);
    }

    /// <summary>Writes <c>{"type","mediaType","data"}</c>; nothing goes to the context, the model sees the part itself.</summary>
    private static string? WriteMedia(Utf8JsonWriter json, string type, string mediaType, ReadOnlyMemory<byte> base64, ref int count)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, type);
        json.WriteString("mediaType"u8, mediaType);
        json.WriteString("data"u8, base64.Span);
        json.WriteEndObject();
        count++;
        return null;
    }

    /// <summary>The media a model takes as a part of its own (SPEC §7 read): images and PDFs.</summary>
    private static string? MediaKind(string? mimeType) => mimeType switch
    {
        null => null,
        "application/pdf" => "document",
        _ when mimeType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) => "image",
        _ => null,
    };

    private static int Bytes(ReadOnlyMemory<byte> base64) => base64.Length / 4 * 3 - (base64.Span.EndsWith("=="u8) ? 2 : base64.Span.EndsWith("="u8) ? 1 : 0);

    private static string Cut(StringBuilder context) => context.Length <= MaxContextLength
        ? context.ToString()
        : context.ToString(0, MaxContextLength) + string.Create(CultureInfo.InvariantCulture, $"\n[cut: {context.Length - MaxContextLength} more characters]");
}
