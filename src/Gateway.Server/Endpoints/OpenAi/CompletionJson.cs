using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>The pieces that completion objects and chunks share (https://platform.openai.com/docs/api-reference/chat/object).</summary>
internal static class CompletionJson
{
    /// <summary><c>{"id","object","created","model"</c>: the same id and created time on every chunk of one completion.</summary>
    public static void WriteStart(Utf8JsonWriter json, CompletionIdentity identity, ReadOnlySpan<byte> objectType)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, identity.Id);
        json.WriteString("object"u8, objectType);
        json.WriteNumber("created"u8, identity.Created);
        json.WriteString("model"u8, identity.Model);
    }

    /// <summary>
    /// The object's start up to the inside of its one choice's <paramref name="payload"/> (<c>message</c> or <c>delta</c>):
    /// <c>{…,"choices":[{"index":0,"message":{</c>.
    /// </summary>
    public static void WriteStartOfChoice(Utf8JsonWriter json, CompletionIdentity identity, ReadOnlySpan<byte> objectType, ReadOnlySpan<byte> payload)
    {
        WriteStart(json, identity, objectType);
        json.WriteStartArray("choices"u8);
        json.WriteStartObject();
        json.WriteNumber("index"u8, 0);
        json.WriteStartObject(payload);
    }

    /// <summary><c>{"id":…,"type":"function","function":{"name","arguments"}}</c>, the arguments as a JSON string.</summary>
    /// <param name="index">The call's position, which streamed calls carry (null in a whole message).</param>
    /// <param name="argumentsFollow">A streamed call's start: <c>"arguments":""</c>, its text to come in later deltas.</param>
    public static void WriteToolCall(Utf8JsonWriter json, ToolCallRequest call, int? index, bool argumentsFollow = false)
    {
        json.WriteStartObject();
        if (index is { } i)
        {
            json.WriteNumber("index"u8, i);
        }
        json.WriteString("id"u8, call.Id);
        json.WriteString("type"u8, "function"u8);
        json.WriteStartObject("function"u8);
        json.WriteString("name"u8, call.Name);
        if (argumentsFollow)
        {
            json.WriteString("arguments"u8, ""u8);
        }
        else
        {
            WriteArguments(json, call);
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary><c>"arguments":"…"</c>; a call whose arguments were not a JSON object goes back as the model wrote it.</summary>
    public static void WriteArguments(Utf8JsonWriter json, ToolCallRequest call) => WriteArguments(json, "arguments"u8, call);

    /// <summary>The arguments as a JSON string under <paramref name="name"/> (a Responses stream's <c>delta</c> carries them too).</summary>
    public static void WriteArguments(Utf8JsonWriter json, ReadOnlySpan<byte> name, ToolCallRequest call)
    {
        if (call.InvalidArguments is { } raw)
        {
            json.WriteString(name, raw);
        }
        else
        {
            json.WriteString(name, call.Arguments.Utf8.Span);
        }
    }

    /// <summary>
    /// <c>usage</c>: <c>prompt_tokens</c> counts every input token, cached or not, as OpenAI's does; a provider that
    /// counts cache reads and writes apart (Anthropic) has them added (<paramref name="inputExcludesCache"/>).
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter json, TokenUsage usage, bool inputExcludesCache)
    {
        var prompt = InputTokens(usage, inputExcludesCache);
        json.WriteStartObject("usage"u8);
        json.WriteNumber("prompt_tokens"u8, prompt);
        json.WriteNumber("completion_tokens"u8, usage.OutputTokens);
        json.WriteNumber("total_tokens"u8, prompt + usage.OutputTokens);
        if (usage.CacheReadTokens is { } cached)
        {
            json.WriteStartObject("prompt_tokens_details"u8);
            json.WriteNumber("cached_tokens"u8, cached);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    /// <summary>Every input token, cached or not, as OpenAI's APIs count them (Anthropic's count its cache reads and writes apart).</summary>
    public static long InputTokens(TokenUsage usage, bool inputExcludesCache) =>
        usage.InputTokens + (inputExcludesCache ? (usage.CacheReadTokens ?? 0) + (usage.CacheCreationTokens ?? 0) : 0);

    public static ReadOnlySpan<byte> FinishReasonName(FinishReason reason) => reason switch
    {
        FinishReason.Length => "length"u8,
        FinishReason.ToolCalls => "tool_calls"u8,
        FinishReason.ContentFilter => "content_filter"u8,
        _ => "stop"u8,
    };
}
