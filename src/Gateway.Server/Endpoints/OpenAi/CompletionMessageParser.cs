using System.Text;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Tools;
using static Gateway.Server.Endpoints.OpenAi.OpenAiRequestFields;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>Parses the <c>messages</c> of an OpenAI request into the gateway's conversation; errors name the field.</summary>
/// <remarks>
/// Shapes (https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages):
/// <list type="bullet">
/// <item>roles <c>system</c> and <c>developer</c> (its newer name) are system messages; <c>user</c>, <c>assistant</c>,
/// <c>tool</c> as named. The deprecated <c>function</c> role is refused.</item>
/// <item><c>content</c> is a string or parts: <c>text</c>; <c>image_url</c> as a base64 data URL or an http(s) URL
/// (with its <c>detail</c>), which the model's API fetches; <c>file</c> with <c>file_data</c> as a base64 data URL (a
/// <c>file_id</c> is refused: the gateway holds no uploaded files); <c>refusal</c> parts of an assistant message are
/// kept as its text. An assistant's content may be null.</item>
/// <item>assistant <c>tool_calls</c>: <c>{id,type:"function",function:{name,arguments}}</c>, <c>arguments</c> a JSON
/// string. Arguments that are not a JSON object (a model's truncated call, replayed) are kept as <c>{}</c>.</item>
/// <item>tool messages need <c>tool_call_id</c>.</item>
/// </list>
/// </remarks>
internal static class CompletionMessageParser
{
    public static IReadOnlyList<ChatMessage> ParseMessages(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw OpenAiError.InvalidRequest("messages must be a non-empty array", "messages");
        }
        return JsonArrays.ParseEach(messages, "messages", ParseMessage);
    }

    private static ChatMessage ParseMessage(JsonElement message, string path)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw OpenAiError.InvalidRequest($"{path} must be an object", path);
        }
        var role = RequireString(message, "role", path) switch
        {
            "system" or "developer" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "tool" => ChatRole.Tool,
            _ => throw OpenAiError.InvalidRequest($"{path}.role must be one of system, developer, user, assistant, tool", $"{path}.role"),
        };
        message.TryGetProperty("content", out var content);
        return role switch
        {
            ChatRole.Assistant => new ChatMessage(role, ParseOptionalContent(content, path), ParseToolCalls(message, path)),
            ChatRole.Tool => new ChatMessage(role, ParseContent(content, path), [], RequireString(message, "tool_call_id", path)),
            _ => new ChatMessage(role, ParseContent(content, path), []),
        };
    }

    private static IReadOnlyList<ContentPart> ParseContent(JsonElement content, string path) => content.ValueKind switch
    {
        JsonValueKind.String => [ContentPart.FromText(content.GetString()!)],
        JsonValueKind.Array => JsonArrays.ParseEach(content, $"{path}.content", ParsePart),
        _ => throw OpenAiError.InvalidRequest($"{path}.content must be a string or an array of content parts", $"{path}.content"),
    };

    private static IReadOnlyList<ContentPart> ParseOptionalContent(JsonElement content, string path) =>
        content.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? [] : ParseContent(content, path);

    private static ContentPart ParsePart(JsonElement part, string path)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            throw OpenAiError.InvalidRequest($"{path} must be an object", path);
        }
        switch (RequireString(part, "type", path))
        {
            case "text":
                return ContentPart.FromText(RequireString(part, "text", path));
            case "refusal":
                return ContentPart.FromText(RequireString(part, "refusal", path));
            case "image_url":
                return ParseImage(RequireObject(part, "image_url", path), $"{path}.image_url");
            case "file":
                var file = RequireObject(part, "file", path);
                if (!file.TryGetProperty("file_data", out var fileData) || fileData.ValueKind != JsonValueKind.String)
                {
                    throw OpenAiError.InvalidRequest($"{path}.file.file_data must be a base64 data URL (file_id is not supported)", $"{path}.file.file_data");
                }
                return FromDataUrl(ContentPartKind.Document, fileData.GetString()!, $"{path}.file.file_data");
            default:
                throw OpenAiError.InvalidRequest($"{path}.type must be one of text, image_url, file", $"{path}.type");
        }
    }

    private static ContentPart ParseImage(JsonElement image, string path) => Image(RequireString(image, "url", path), image, path, $"{path}.url");

    /// <summary>
    /// An image as a base64 data URL, or by an http(s) URL that goes to the model's API as it is: OpenAI's and
    /// Anthropic's fetch image URLs themselves, and the gateway fetches nothing on a caller's behalf.
    /// </summary>
    /// <param name="part">The object whose <c>detail</c> goes with the image (chat's <c>image_url</c>, the Responses API's part).</param>
    internal static ContentPart Image(string url, JsonElement part, string path, string urlParam)
    {
        string? detail = null;
        if (part.TryGetProperty("detail", out var detailElement) && detailElement.ValueKind != JsonValueKind.Null)
        {
            detail = detailElement.ValueKind == JsonValueKind.String && detailElement.GetString() is "auto" or "low" or "high"
                ? detailElement.GetString()
                : throw OpenAiError.InvalidRequest($"{path}.detail must be one of auto, low, high", $"{path}.detail");
        }
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return new ContentPart(ContentPartKind.Image, Url: url, Detail: detail);
        }
        return FromDataUrl(ContentPartKind.Image, url, urlParam, "an http(s) URL or a base64 data URL") with { Detail = detail };
    }

    /// <summary>RFC 2397: <c>data:&lt;media type&gt;;base64,&lt;data&gt;</c>; only the base64 form carries binary content.</summary>
    internal static ContentPart FromDataUrl(ContentPartKind kind, string url, string param, string expected = "a base64 data URL")
    {
        const string Scheme = "data:";
        const string Base64Marker = ";base64,";
        var marker = url.IndexOf(Base64Marker, StringComparison.Ordinal);
        if (!url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || marker <= Scheme.Length)
        {
            throw OpenAiError.InvalidRequest($"{param} must be {expected} (data:<media type>;base64,<data>)", param);
        }
        return new ContentPart(kind, MediaType: url[Scheme.Length..marker], Data: url[(marker + Base64Marker.Length)..]);
    }

    private static IReadOnlyList<ToolCallRequest> ParseToolCalls(JsonElement message, string path)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (calls.ValueKind != JsonValueKind.Array)
        {
            throw OpenAiError.InvalidRequest($"{path}.tool_calls must be an array", $"{path}.tool_calls");
        }
        return JsonArrays.ParseEach(calls, $"{path}.tool_calls", ParseToolCall);
    }

    private static ToolCallRequest ParseToolCall(JsonElement call, string callPath)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            throw OpenAiError.InvalidRequest($"{callPath} must be an object", callPath);
        }
        var function = RequireObject(call, "function", callPath);
        return new ToolCallRequest(RequireString(call, "id", callPath), RequireString(function, "name", $"{callPath}.function"), ParseArguments(function));
    }

    /// <summary>The <c>arguments</c> string of <paramref name="call"/> (a chat tool call's function, a Responses function_call) as a JSON object.</summary>
    internal static RawJson ParseArguments(JsonElement call)
    {
        if (!call.TryGetProperty("arguments", out var arguments) || arguments.ValueKind != JsonValueKind.String)
        {
            return RawJson.EmptyObject;
        }
        // Checked like a body, so text no string can carry (an escaped lone surrogate) never reaches a provider.
        using var parsed = JsonBody.ParseObject(Encoding.UTF8.GetBytes(arguments.GetString()!), out _);
        return parsed is null ? RawJson.EmptyObject : RawJson.FromElement(parsed.RootElement);
    }
}
