using System.Text.Json;
using Gateway.Server.Conversation;
using Gateway.Server.Providers;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>The pieces that a whole <c>message</c> and its stream's events share (https://docs.anthropic.com/en/api/messages).</summary>
internal static class MessageJson
{
    /// <summary><c>{"id","type":"message","role":"assistant","model"</c>, to be followed by the content.</summary>
    public static void WriteStart(Utf8JsonWriter json, string id, string model)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, id);
        json.WriteString("type"u8, "message"u8);
        json.WriteString("role"u8, "assistant"u8);
        json.WriteString("model"u8, model);
    }

    /// <summary><c>"stop_reason","stop_sequence"</c>: <c>stop_sequence</c> when the provider named the sequence that ended the turn.</summary>
    public static void WriteStop(Utf8JsonWriter json, FinishReason reason, string? stopSequence)
    {
        json.WriteString("stop_reason"u8, stopSequence is not null && reason == FinishReason.Stop ? "stop_sequence"u8 : StopReasonName(reason));
        json.WriteString("stop_sequence"u8, stopSequence);
    }

    /// <summary>
    /// <c>usage</c>: Anthropic's <c>input_tokens</c> leave out cache reads and writes, which the cache fields count; a
    /// provider whose input count includes them (<paramref name="inputIncludesCache"/>, OpenAI's) has them taken off.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter json, TokenUsage usage, bool inputIncludesCache)
    {
        var read = usage.CacheReadTokens ?? 0;
        var written = usage.CacheCreationTokens ?? 0;
        json.WriteStartObject("usage"u8);
        json.WriteNumber("input_tokens"u8, inputIncludesCache ? Math.Max(0, usage.InputTokens - read - written) : usage.InputTokens);
        json.WriteNumber("cache_creation_input_tokens"u8, written);
        json.WriteNumber("cache_read_input_tokens"u8, read);
        json.WriteNumber("output_tokens"u8, usage.OutputTokens);
        json.WriteEndObject();
    }

    /// <summary>A tool call's <c>input</c>: its arguments, or <c>{}</c> when the model's were no JSON object (the API's input is always one).</summary>
    public static void WriteInput(Utf8JsonWriter json, ToolCallRequest call)
    {
        json.WritePropertyName("input"u8);
        call.Arguments.WriteTo(json);
    }

    /// <summary>https://docs.anthropic.com/en/api/handling-stop-reasons; a filtered answer is Anthropic's <c>refusal</c>.</summary>
    private static ReadOnlySpan<byte> StopReasonName(FinishReason reason) => reason switch
    {
        FinishReason.Length => "max_tokens"u8,
        FinishReason.ToolCalls => "tool_use"u8,
        FinishReason.ContentFilter => "refusal"u8,
        _ => "end_turn"u8,
    };
}
