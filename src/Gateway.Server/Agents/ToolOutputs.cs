using System.Buffers;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Agents;

/// <summary>The <c>output</c> objects of tool_result (SPEC §5) and the tool message content the model sees (SPEC §6).</summary>
internal static class ToolOutputs
{
    /// <summary><c>{"status":"denied","reason"?}</c>.</summary>
    public static RawJson Denied(string? reason) => Write(json =>
    {
        json.WriteString("status"u8, "denied"u8);
        if (reason is not null)
        {
            json.WriteString("reason"u8, reason);
        }
    });

    /// <summary><c>{"error": message}</c>.</summary>
    public static RawJson Error(string message) => Write(json => json.WriteString("error"u8, message));

    /// <summary><c>{"context"?, "result"?}</c>, or the error form when the tool failed.</summary>
    public static RawJson From(ToolResult result) => result.Error is { } error ? Error(error) : Write(json =>
    {
        if (result.Context is { } context)
        {
            json.WriteString("context"u8, context);
        }
        if (result.Result is { } value)
        {
            json.WritePropertyName("result"u8);
            value.WriteTo(json);
        }
    });

    /// <summary>
    /// The tool message's content: the tool's context when it has one, else the output's JSON (SPEC §6);
    /// images and documents a tool returns as content parts (read, SPEC §7) follow as parts of their own,
    /// so the model sees them rather than their base64 text.
    /// </summary>
    public static IReadOnlyList<ContentPart> HistoryContent(ToolResult? result, RawJson output)
    {
        if (result is not { Error: null } success)
        {
            return [ContentPart.FromText(output.ToString())];
        }
        var media = success.Result is { } value ? MediaParts(value) : [];
        var text = success.Context ?? (media.Count > 0 ? "" : output.ToString());
        return [ContentPart.FromText(text), .. media];
    }

    /// <summary>The parts of a result shaped <c>[{"type":"image"|"document","mediaType","data"}, …]</c>; none for any other shape.</summary>
    private static List<ContentPart> MediaParts(RawJson result)
    {
        using var document = JsonDocument.Parse(result.Utf8);
        var parts = new List<ContentPart>();
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return parts;
        }
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var kind = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out var type) ? type.GetString() switch
            {
                "image" => ContentPartKind.Image,
                "document" => ContentPartKind.Document,
                _ => (ContentPartKind?)null,
            } : null;
            if (kind is null || !item.TryGetProperty("mediaType", out var mediaType) || !item.TryGetProperty("data", out var data))
            {
                return [];
            }
            parts.Add(new ContentPart(kind.Value, MediaType: mediaType.GetString(), Data: data.GetString()));
        }
        return parts;
    }

    private static RawJson Write(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartObject();
            writeProperties(json);
            json.WriteEndObject();
        }
        return RawJson.Parse(buffer.WrittenSpan);
    }
}
