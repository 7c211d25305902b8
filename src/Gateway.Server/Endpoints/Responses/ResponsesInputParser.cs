using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Endpoints.OpenAi;
using static Gateway.Server.Endpoints.OpenAi.OpenAiRequestFields;

namespace Gateway.Server.Endpoints.Responses;

/// <summary>Parses a Responses API <c>input</c> into the gateway's conversation; errors name the item.</summary>
/// <remarks>
/// Shapes (https://platform.openai.com/docs/api-reference/responses/create#responses-create-input):
/// <list type="bullet">
/// <item>a string is one user message;</item>
/// <item><c>message</c> items (the <c>type</c> may be left out) with role <c>user</c>, <c>system</c>, <c>developer</c>
/// (both system messages) or <c>assistant</c>; content a string or parts: <c>input_text</c>, <c>input_image</c>
/// (<c>image_url</c> as a data URL or an http(s) URL, with <c>detail</c>), <c>input_file</c> (<c>file_data</c> as a
/// data URL), and for the assistant <c>output_text</c> and <c>refusal</c>; uploaded files (<c>file_id</c>) are refused;</item>
/// <item><c>function_call</c> (<c>call_id</c>, <c>name</c>, <c>arguments</c> as a JSON string) and
/// <c>function_call_output</c> (<c>call_id</c>, <c>output</c> a string or input parts);</item>
/// <item><c>reasoning</c> (<c>summary</c>, <c>encrypted_content</c>), kept for the API that wrote it
/// (<see cref="ReasoningCarrier"/>); without <c>encrypted_content</c> it is left out.</item>
/// </list>
/// A model's turn is several items (reasoning, a message, calls), which become one assistant message, as providers take them.
/// </remarks>
internal static class ResponsesInputParser
{
    public static List<ChatMessage> Parse(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            return [ChatMessage.User(input.GetString()!)];
        }
        if (input.ValueKind != JsonValueKind.Array)
        {
            throw OpenAiError.InvalidRequest("input must be a string or an array of items", "input");
        }
        var messages = new List<ChatMessage>();
        var turn = new AssistantTurn(messages);
        var index = 0;
        foreach (var item in input.EnumerateArray())
        {
            var path = $"input[{index++}]";
            switch (ReadString(Object(item, path), "type", $"{path}.type") ?? "message")
            {
                case "message" when RequireString(item, "role", path) == "assistant":
                    turn.Text(AssistantContent(item, path));
                    break;
                case "message":
                    turn.End();
                    messages.Add(new ChatMessage(Role(item, path), InputContent(item, "content", path), []));
                    break;
                case "function_call":
                    turn.Call(new ToolCallRequest(RequireString(item, "call_id", path), RequireString(item, "name", path), CompletionMessageParser.ParseArguments(item)));
                    break;
                case "function_call_output":
                    turn.End();
                    messages.Add(ChatMessage.ToolResult(RequireString(item, "call_id", path), InputContent(item, "output", path)));
                    break;
                case "reasoning" when Reasoning(item, path) is { } reasoning:
                    turn.Reasoning(reasoning);
                    break;
                case "reasoning":
                    break;
                default:
                    throw OpenAiError.InvalidRequest(
                        $"{path}.type must be one of message, function_call, function_call_output, reasoning", $"{path}.type");
            }
        }
        turn.End();
        return messages;
    }

    private static JsonElement Object(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Object ? element : throw OpenAiError.InvalidRequest($"{path} must be an object", path);

    private static ChatRole Role(JsonElement item, string path) => RequireString(item, "role", path) switch
    {
        "user" => ChatRole.User,
        "system" or "developer" => ChatRole.System,
        _ => throw OpenAiError.InvalidRequest($"{path}.role must be one of user, assistant, system, developer", $"{path}.role"),
    };

    /// <summary>A message's <c>content</c> or a call output's <c>output</c>: a string, or input parts.</summary>
    private static IReadOnlyList<ContentPart> InputContent(JsonElement item, string name, string path)
    {
        item.TryGetProperty(name, out var content);
        return content.ValueKind switch
        {
            JsonValueKind.String => [ContentPart.FromText(content.GetString()!)],
            JsonValueKind.Array => JsonArrays.ParseEach(content, $"{path}.{name}", InputPart),
            _ => throw OpenAiError.InvalidRequest($"{path}.{name} must be a string or an array of content parts", $"{path}.{name}"),
        };
    }

    private static ContentPart InputPart(JsonElement part, string path)
    {
        switch (RequireString(Object(part, path), "type", path))
        {
            case "input_text":
                return ContentPart.FromText(RequireString(part, "text", path));
            case "input_image":
                return part.TryGetProperty("image_url", out var url) && url.ValueKind == JsonValueKind.String
                    ? CompletionMessageParser.Image(url.GetString()!, part, path, $"{path}.image_url")
                    : throw OpenAiError.InvalidRequest($"{path}.image_url must be a data URL or an http(s) URL (file_id is not supported)", $"{path}.image_url");
            case "input_file":
                return part.TryGetProperty("file_data", out var data) && data.ValueKind == JsonValueKind.String
                    ? CompletionMessageParser.FromDataUrl(ContentPartKind.Document, data.GetString()!, $"{path}.file_data")
                    : throw OpenAiError.InvalidRequest($"{path}.file_data must be a base64 data URL (file_id and file_url are not supported)", $"{path}.file_data");
            default:
                throw OpenAiError.InvalidRequest($"{path}.type must be one of input_text, input_image, input_file", $"{path}.type");
        }
    }

    /// <summary>An assistant message's text: a string, or <c>output_text</c> and <c>refusal</c> parts (kept as its text, as /v1/chat/completions does).</summary>
    private static IReadOnlyList<ContentPart> AssistantContent(JsonElement item, string path)
    {
        item.TryGetProperty("content", out var content);
        return content.ValueKind switch
        {
            JsonValueKind.String => [ContentPart.FromText(content.GetString()!)],
            JsonValueKind.Array => JsonArrays.ParseEach(content, $"{path}.content", static (part, partPath) => RequireString(Object(part, partPath), "type", partPath) switch
            {
                "output_text" or "input_text" => ContentPart.FromText(RequireString(part, "text", partPath)),
                "refusal" => ContentPart.FromText(RequireString(part, "refusal", partPath)),
                _ => throw OpenAiError.InvalidRequest($"{partPath}.type must be one of output_text, refusal", $"{partPath}.type"),
            }),
            _ => throw OpenAiError.InvalidRequest($"{path}.content must be a string or an array of content parts", $"{path}.content"),
        };
    }

    private static ReasoningItem? Reasoning(JsonElement item, string path)
    {
        string? summary = null;
        if (item.TryGetProperty("summary", out var parts) && parts.ValueKind == JsonValueKind.Array)
        {
            var texts = JsonArrays.ParseEach(parts, $"{path}.summary", static (part, partPath) => RequireString(Object(part, partPath), "text", partPath));
            summary = texts.Count == 0 ? null : string.Join("\n\n", texts);
        }
        return ReasoningCarrier.Read(summary, ReadString(item, "encrypted_content", $"{path}.encrypted_content"));
    }

    /// <summary>The items of one model turn so far: they become one assistant message when a user, system or tool item follows.</summary>
    private sealed class AssistantTurn(List<ChatMessage> messages)
    {
        private readonly List<ReasoningItem> _reasoning = [];
        private readonly List<ContentPart> _text = [];
        private readonly List<ToolCallRequest> _calls = [];

        /// <summary>Reasoning comes before what it led to: after text or calls, it starts the next turn.</summary>
        public void Reasoning(ReasoningItem item)
        {
            if (_text.Count > 0 || _calls.Count > 0)
            {
                End();
            }
            _reasoning.Add(item);
        }

        /// <summary>A message after calls is the next turn's.</summary>
        public void Text(IReadOnlyList<ContentPart> parts)
        {
            if (_calls.Count > 0)
            {
                End();
            }
            _text.AddRange(parts);
        }

        public void Call(ToolCallRequest call) => _calls.Add(call);

        /// <summary>Adds the turn so far, if any, to the conversation.</summary>
        public void End()
        {
            if (_reasoning.Count + _text.Count + _calls.Count == 0)
            {
                return;
            }
            messages.Add(new ChatMessage(ChatRole.Assistant, [.. _text], [.. _calls]) { Reasoning = [.. _reasoning] });
            _reasoning.Clear();
            _text.Clear();
            _calls.Clear();
        }
    }
}
