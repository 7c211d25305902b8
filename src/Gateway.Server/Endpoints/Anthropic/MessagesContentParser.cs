using System.Text;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Tools;
using static Gateway.Server.Endpoints.Anthropic.MessagesFields;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>Parses a Messages request's <c>system</c> and <c>messages</c> into the gateway's conversation.</summary>
/// <remarks>
/// Shapes (https://docs.anthropic.com/en/api/messages):
/// <list type="bullet">
/// <item><c>system</c>: a string or <c>text</c> blocks, each a system message (the Anthropic provider joins them again).</item>
/// <item>roles <c>user</c> and <c>assistant</c>, and <c>system</c> (text blocks) as Claude Code sends one mid-conversation;
/// <c>content</c> a string or blocks. The Anthropic provider gathers every system message into the top-level <c>system</c>.</item>
/// <item>user blocks: <c>text</c>; <c>image</c> with a <c>base64</c> or <c>url</c> source; <c>document</c> with a
/// <c>base64</c> (PDF) or <c>text</c> source; <c>tool_result</c> (<c>tool_use_id</c>, <c>content</c> a string or
/// text/image/document blocks; <c>is_error</c>), each a tool message of the gateway's, before the user message of the other blocks.</item>
/// <item>assistant blocks: <c>text</c>; <c>tool_use</c> (<c>id</c>, <c>name</c>, <c>input</c>), its tool calls;
/// <c>thinking</c> (with its <c>signature</c>) and <c>redacted_thinking</c> (<c>data</c>), its reasoning items, which
/// only an Anthropic upstream reads back.</item>
/// <item><c>cache_control</c> on system, text, image, document, tool_use and tool_result blocks (and on tools) is kept as
/// sent for an Anthropic upstream, which then gets the caller's breakpoints in place of the gateway's own.</item>
/// </list>
/// </remarks>
internal static class MessagesContentParser
{
    public static IEnumerable<ChatMessage> ParseSystem(JsonElement root)
    {
        if (!TryGet(root, "system", out var system))
        {
            return [];
        }
        if (system.ValueKind == JsonValueKind.String)
        {
            return system.GetString() is { Length: > 0 } text ? [ChatMessage.System(text)] : [];
        }
        if (system.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("", "system", "must be a string or an array of text blocks");
        }
        return JsonArrays.ParseEach(
            system,
            "system",
            static (block, path) => new ChatMessage(ChatRole.System, [ParseSystemBlock(block, path)], []),
            dotted: true);
    }

    public static List<ChatMessage> ParseMessages(JsonElement root)
    {
        if (!TryGet(root, "messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw Invalid("", "messages", "a non-empty array is required");
        }
        var conversation = new List<ChatMessage>(messages.GetArrayLength());
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            AddMessage(conversation, message, $"messages.{index++}");
        }
        return conversation;
    }

    private static void AddMessage(List<ChatMessage> conversation, JsonElement message, string path)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw AnthropicError.InvalidRequest($"{path}: must be an object");
        }
        var role = RequireString(message, "role", path);
        if (!TryGet(message, "content", out var content) || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            throw Invalid(path, "content", "a string or an array of content blocks is required");
        }
        switch (role)
        {
            case "user" when content.ValueKind == JsonValueKind.String:
                conversation.Add(ChatMessage.User(content.GetString()!));
                break;
            case "user":
                AddUserBlocks(conversation, content, $"{path}.content");
                break;
            case "assistant" when content.ValueKind == JsonValueKind.String:
                conversation.Add(ChatMessage.Assistant(content.GetString()!, []));
                break;
            case "assistant":
                conversation.Add(ParseAssistantBlocks(content, $"{path}.content"));
                break;
            case "system" when content.ValueKind == JsonValueKind.String:
                conversation.Add(ChatMessage.System(content.GetString()!));
                break;
            case "system":
                conversation.Add(new ChatMessage(ChatRole.System, JsonArrays.ParseEach(content, $"{path}.content", ParseSystemBlock, dotted: true), []));
                break;
            default:
                throw Invalid(path, "role", "must be one of user, assistant, system");
        }
    }

    /// <summary>Each <c>tool_result</c> block becomes a tool message; the other blocks one user message after them.</summary>
    private static void AddUserBlocks(List<ChatMessage> conversation, JsonElement blocks, string path)
    {
        var parts = new List<ContentPart>();
        var index = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var blockPath = $"{path}.{index++}";
            if (BlockType(block, blockPath) == "tool_result")
            {
                conversation.Add(ChatMessage.ToolResult(RequireString(block, "tool_use_id", blockPath), ParseToolResultContent(block, blockPath))
                    with { CacheControl = CacheControl(block, blockPath), IsError = Boolean(block, "is_error", blockPath) ?? false });
            }
            else
            {
                parts.Add(ParsePart(block, blockPath));
            }
        }
        if (parts.Count > 0)
        {
            conversation.Add(new ChatMessage(ChatRole.User, parts, []));
        }
    }

    private static IReadOnlyList<ContentPart> ParseToolResultContent(JsonElement block, string path)
    {
        if (!TryGet(block, "content", out var content))
        {
            return [];
        }
        return content.ValueKind switch
        {
            JsonValueKind.String => [ContentPart.FromText(content.GetString()!)],
            JsonValueKind.Array => JsonArrays.ParseEach(content, $"{path}.content", ParsePart, dotted: true),
            _ => throw Invalid(path, "content", "must be a string or an array of content blocks"),
        };
    }

    /// <summary>A text, image or document block.</summary>
    private static ContentPart ParsePart(JsonElement block, string path) => BlockType(block, path) switch
    {
        "text" => ParseText(block, path),
        "image" => ParseSource(block, path, ContentPartKind.Image) with { CacheControl = CacheControl(block, path) },
        "document" => ParseSource(block, path, ContentPartKind.Document) with { CacheControl = CacheControl(block, path) },
        _ => throw Invalid(path, "type", "must be one of text, image, document, tool_result in a user message"),
    };

    private static ContentPart ParseSystemBlock(JsonElement block, string path) =>
        BlockType(block, path) == "text" ? ParseText(block, path) : throw Invalid(path, "type", "system blocks must be text");

    private static ContentPart ParseText(JsonElement block, string path) =>
        ContentPart.FromText(RequireString(block, "text", path)) with { CacheControl = CacheControl(block, path) };

    /// <summary><c>source</c>: <c>base64</c> (<c>media_type</c>, <c>data</c>), <c>url</c> for an image, <c>text</c> for a document.</summary>
    private static ContentPart ParseSource(JsonElement block, string path, ContentPartKind kind)
    {
        var source = RequireObject(block, "source", path);
        var sourcePath = $"{path}.source";
        return RequireString(source, "type", sourcePath) switch
        {
            "base64" => new ContentPart(kind, MediaType: RequireString(source, "media_type", sourcePath), Data: RequireString(source, "data", sourcePath)),
            "url" when kind == ContentPartKind.Image => new ContentPart(kind, Url: RequireString(source, "url", sourcePath)),
            // A textual document is kept as base64 text, as the /v1 door's files are (ProviderJson.TextOfDocument reads it back).
            "text" when kind == ContentPartKind.Document => new ContentPart(
                kind, MediaType: "text/plain", Data: Convert.ToBase64String(Encoding.UTF8.GetBytes(RequireString(source, "data", sourcePath)))),
            _ => throw Invalid(sourcePath, "type", kind == ContentPartKind.Image ? "must be base64 or url" : "must be base64 or text"),
        };
    }

    private static ChatMessage ParseAssistantBlocks(JsonElement blocks, string path)
    {
        var parts = new List<ContentPart>();
        var calls = new List<ToolCallRequest>();
        var reasoning = new List<ReasoningItem>();
        var index = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var blockPath = $"{path}.{index++}";
            switch (BlockType(block, blockPath))
            {
                case "text":
                    parts.Add(ParseText(block, blockPath));
                    break;
                case "tool_use":
                    calls.Add(new ToolCallRequest(
                        RequireString(block, "id", blockPath), RequireString(block, "name", blockPath), RawJson.FromElement(RequireObject(block, "input", blockPath)))
                    {
                        CacheControl = CacheControl(block, blockPath),
                    });
                    break;
                case "thinking":
                    reasoning.Add(new ReasoningItem(
                        ReasoningSource.AnthropicThinking, RequireString(block, "thinking", blockPath), Signature: OptionalString(block, "signature", blockPath)));
                    break;
                case "redacted_thinking":
                    reasoning.Add(new ReasoningItem(ReasoningSource.AnthropicRedacted, null, RedactedData: RequireString(block, "data", blockPath)));
                    break;
                default:
                    throw Invalid(blockPath, "type", "must be one of text, tool_use, thinking, redacted_thinking in an assistant message");
            }
        }
        return new ChatMessage(ChatRole.Assistant, parts, calls) { Reasoning = reasoning };
    }

    private static string BlockType(JsonElement block, string path) =>
        block.ValueKind == JsonValueKind.Object ? RequireString(block, "type", path) : throw AnthropicError.InvalidRequest($"{path}: must be an object");
}
