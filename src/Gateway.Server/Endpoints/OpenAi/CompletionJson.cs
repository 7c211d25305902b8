using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>The pieces that completion objects and chunks share (https://platform.openai.com/docs/api-reference/chat/object).</summary>
internal static class CompletionJson
{
    /// <summary>
    /// Text as UTF-8, escaping little beyond what JSON requires: the bodies are read by JSON parsers, never embedded in
    /// HTML, and non-ASCII text stays a third of the size of its \u escapes. (Characters beyond the Basic Multilingual
    /// Plane, such as emoji, are still written as escaped surrogate pairs: System.Text.Json's encoders allow no more.)
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>"id","object","created","model"</c>: the same id and created time on every chunk of one completion.</summary>
    public static void WriteHeader(Utf8JsonWriter json, CompletionIdentity identity, ReadOnlySpan<byte> objectType)
    {
        json.WriteString("id"u8, identity.Id);
        json.WriteString("object"u8, objectType);
        json.WriteNumber("created"u8, identity.Created);
        json.WriteString("model"u8, identity.Model);
    }

    /// <summary><c>{"id":…,"type":"function","function":{"name","arguments"}}</c>, the arguments as a JSON string.</summary>
    /// <param name="index">The call's position, which streamed calls carry (null in a whole message).</param>
    public static void WriteToolCall(Utf8JsonWriter json, ToolCallRequest call, int? index)
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
        // A call whose arguments were not a JSON object goes back to the caller as the model wrote it.
        if (call.InvalidArguments is { } raw)
        {
            json.WriteString("arguments"u8, raw);
        }
        else
        {
            json.WriteString("arguments"u8, call.Arguments.Utf8.Span);
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// <c>usage</c>: <c>prompt_tokens</c> counts every input token, cached or not, as OpenAI's does; Anthropic reports
    /// cache reads and writes apart from <c>input_tokens</c>, so for it they are added (<paramref name="inputExcludesCache"/>).
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter json, TokenUsage usage, bool inputExcludesCache)
    {
        var prompt = usage.InputTokens + (inputExcludesCache ? (usage.CacheReadTokens ?? 0) + (usage.CacheCreationTokens ?? 0) : 0);
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

    public static ReadOnlySpan<byte> FinishReasonName(FinishReason reason) => reason switch
    {
        FinishReason.Length => "length"u8,
        FinishReason.ToolCalls => "tool_calls"u8,
        FinishReason.ContentFilter => "content_filter"u8,
        _ => "stop"u8,
    };
}
