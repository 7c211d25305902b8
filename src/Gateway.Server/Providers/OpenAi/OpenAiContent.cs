using System.Text.Json;
using Gateway.Server.Conversation;

namespace Gateway.Server.Providers.OpenAi;

/// <summary>The two OpenAI request shapes that carry SPEC §3 content: chat completions' messages and the Responses API's input items.</summary>
internal enum OpenAiApi
{
    ChatCompletions,
    Responses,
}

/// <summary>
/// User content and tool results as both OpenAI APIs take them: the same conversion, in each API's part and item shapes
/// (https://platform.openai.com/docs/api-reference/chat/create, …/responses/create).
/// </summary>
internal static class OpenAiContent
{
    /// <summary>Content that is all text as one string; otherwise an array of parts.</summary>
    public static void Write(Utf8JsonWriter json, IReadOnlyList<ContentPart> parts, OpenAiApi api)
    {
        if (ProviderJson.IsAllText(parts))
        {
            json.WriteStringValue(ProviderJson.JoinText(parts));
            return;
        }
        json.WriteStartArray();
        foreach (var part in parts)
        {
            WritePart(json, part, api);
        }
        json.WriteEndArray();
    }

    /// <summary>
    /// Writes the tool messages from <paramref name="start"/> on, then their attachments; returns the index after the run.
    /// A tool result carries text only in both APIs, and results must directly follow the calls they answer, so images and
    /// documents a tool returned follow the run in one user message, each group introduced by a text naming its call.
    /// </summary>
    public static int WriteToolRun(Utf8JsonWriter json, IReadOnlyList<ChatMessage> messages, int start, OpenAiApi api)
    {
        var end = start;
        var hasAttachments = false;
        for (; end < messages.Count && messages[end].Role == ChatRole.Tool; end++)
        {
            var message = messages[end];
            var attached = !ProviderJson.IsAllText(message.Content);
            hasAttachments |= attached;
            var text = ProviderJson.JoinText(message.Content);
            var result = text.Length == 0 && attached ? "The result is attached in the next message." : text;
            json.WriteStartObject();
            if (api == OpenAiApi.Responses)
            {
                json.WriteString("type"u8, "function_call_output"u8);
                json.WriteString("call_id"u8, message.ToolCallId);
                json.WriteString("output"u8, result);
            }
            else
            {
                json.WriteString("role"u8, "tool"u8);
                json.WriteString("tool_call_id"u8, message.ToolCallId);
                json.WriteString("content"u8, result);
            }
            json.WriteEndObject();
        }
        if (hasAttachments)
        {
            json.WriteStartObject();
            json.WriteString("role"u8, "user"u8);
            json.WriteStartArray("content"u8);
            for (var i = start; i < end; i++)
            {
                var message = messages[i];
                if (ProviderJson.IsAllText(message.Content))
                {
                    continue;
                }
                WriteText(json, $"Attachments returned by tool call {message.ToolCallId}:", api);
                foreach (var part in message.Content)
                {
                    if (part.Kind != ContentPartKind.Text)
                    {
                        WritePart(json, part, api);
                    }
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return end;
    }

    /// <summary>
    /// Images by data URL or the caller's http(s) URL, with <c>detail</c> when given; a document of a textual media type
    /// as its decoded text, any other (PDF) as a file with <c>file_data</c> as a data URL
    /// (https://platform.openai.com/docs/guides/pdf-files).
    /// </summary>
    private static void WritePart(Utf8JsonWriter json, ContentPart part, OpenAiApi api)
    {
        switch (part.Kind)
        {
            case ContentPartKind.Image:
                json.WriteStartObject();
                if (api == OpenAiApi.Responses)
                {
                    json.WriteString("type"u8, "input_image"u8);
                    json.WriteString("image_url"u8, part.Url ?? ProviderJson.DataUrl(part));
                    WriteDetail(json, part);
                }
                else
                {
                    json.WriteString("type"u8, "image_url"u8);
                    json.WriteStartObject("image_url"u8);
                    json.WriteString("url"u8, part.Url ?? ProviderJson.DataUrl(part));
                    WriteDetail(json, part);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                break;
            case ContentPartKind.Document when ProviderJson.TextOfDocument(part) is { } text:
                WriteText(json, text, api);
                break;
            case ContentPartKind.Document:
                json.WriteStartObject();
                if (api == OpenAiApi.Responses)
                {
                    json.WriteString("type"u8, "input_file"u8);
                    WriteFile(json, part);
                }
                else
                {
                    json.WriteString("type"u8, "file"u8);
                    json.WriteStartObject("file"u8);
                    WriteFile(json, part);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                break;
            default:
                WriteText(json, part.Text ?? "", api);
                break;
        }
    }

    private static void WriteText(Utf8JsonWriter json, string text, OpenAiApi api)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, api == OpenAiApi.Responses ? "input_text"u8 : "text"u8);
        json.WriteString("text"u8, text);
        json.WriteEndObject();
    }

    private static void WriteDetail(Utf8JsonWriter json, ContentPart part)
    {
        if (part.Detail is not null)
        {
            json.WriteString("detail"u8, part.Detail);
        }
    }

    private static void WriteFile(Utf8JsonWriter json, ContentPart part)
    {
        json.WriteString("filename"u8, string.Equals(part.MediaType, "application/pdf", StringComparison.OrdinalIgnoreCase) ? "document.pdf" : "document");
        json.WriteString("file_data"u8, ProviderJson.DataUrl(part));
    }
}
