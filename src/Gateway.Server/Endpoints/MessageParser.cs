using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Tools;

namespace Gateway.Server.Endpoints;

/// <summary>Parses the <c>messages</c> array of SPEC §3; every error names the message index and field.</summary>
internal static class MessageParser
{
    public static IReadOnlyList<ChatMessage> ParseMessages(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw RequestError.BadRequest("messages must be an array");
        }
        return JsonArrays.ParseEach(messages, "messages", ParseMessage);
    }

    private static ChatMessage ParseMessage(JsonElement message, string path)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw RequestError.BadRequest($"{path} must be an object");
        }
        var role = message.TryGetProperty("role", out var roleElement) && roleElement.ValueKind == JsonValueKind.String
            ? roleElement.GetString() switch
            {
                "system" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "tool" => ChatRole.Tool,
                _ => (ChatRole?)null,
            }
            : null;
        if (role is null)
        {
            throw RequestError.BadRequest($"{path}.role must be one of system, user, assistant, tool");
        }

        message.TryGetProperty("content", out var content);
        return role.Value switch
        {
            ChatRole.Assistant => new ChatMessage(ChatRole.Assistant, ParseOptionalContent(content, path), ParseToolCalls(message, path)),
            ChatRole.Tool => new ChatMessage(ChatRole.Tool, ParseContent(content, path), [], RequireString(message, "tool_call_id", path)),
            _ => new ChatMessage(role.Value, ParseContent(content, path), []),
        };
    }

    /// <summary>content: a string (one text part) or an array of parts.</summary>
    private static IReadOnlyList<ContentPart> ParseContent(JsonElement content, string path) => content.ValueKind switch
    {
        JsonValueKind.String => [ContentPart.FromText(content.GetString()!)],
        JsonValueKind.Array => JsonArrays.ParseEach(content, $"{path}.content", ParsePart),
        _ => throw RequestError.BadRequest($"{path}.content must be a string or an array of content parts"),
    };

    /// <summary>An assistant's content may also be null or absent (a turn of tool calls only).</summary>
    private static IReadOnlyList<ContentPart> ParseOptionalContent(JsonElement content, string path) =>
        content.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? [] : ParseContent(content, path);

    private static ContentPart ParsePart(JsonElement part, string path)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            throw RequestError.BadRequest($"{path} must be an object");
        }
        return RequireString(part, "type", path) switch
        {
            "text" => ContentPart.FromText(RequireString(part, "text", path)),
            "image" => new ContentPart(ContentPartKind.Image, MediaType: RequireString(part, "mediaType", path), Data: RequireString(part, "data", path)),
            "document" => new ContentPart(ContentPartKind.Document, MediaType: RequireString(part, "mediaType", path), Data: RequireString(part, "data", path)),
            _ => throw RequestError.BadRequest($"{path}.type must be one of text, image, document"),
        };
    }

    /// <summary>tool_calls entries are <c>{id, name, arguments?}</c> with arguments an object (SPEC §3).</summary>
    private static IReadOnlyList<ToolCallRequest> ParseToolCalls(JsonElement message, string path)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (calls.ValueKind != JsonValueKind.Array)
        {
            throw RequestError.BadRequest($"{path}.tool_calls must be an array");
        }
        return JsonArrays.ParseEach(calls, $"{path}.tool_calls", ParseToolCall);
    }

    private static ToolCallRequest ParseToolCall(JsonElement call, string callPath)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            throw RequestError.BadRequest($"{callPath} must be an object");
        }
        var arguments = RawJson.EmptyObject;
        if (call.TryGetProperty("arguments", out var argumentsElement) && argumentsElement.ValueKind != JsonValueKind.Null)
        {
            arguments = argumentsElement.ValueKind == JsonValueKind.Object
                ? RawJson.FromElement(argumentsElement)
                : throw RequestError.BadRequest($"{callPath}.arguments must be an object");
        }
        return new ToolCallRequest(RequireString(call, "id", callPath), RequireString(call, "name", callPath), arguments);
    }

    private static string RequireString(JsonElement owner, string name, string path) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw RequestError.BadRequest($"{path}.{name} must be a string");
}
